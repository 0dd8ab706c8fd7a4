import { countProgress, foldProgress } from './progress';
import { PhaseProgress } from './types';

const pull = (table: string, done: number, total?: number): PhaseProgress =>
  total === undefined ? { phase: 'pull', table, done } : { phase: 'pull', table, done, total };
const push = (sent: number, rejected = 0, deadLettered = 0): PhaseProgress => ({
  phase: 'push',
  sent,
  rejected,
  deadLettered,
});

const fold = (reports: PhaseProgress[]) =>
  reports.reduce<readonly PhaseProgress[]>((all, report) => foldProgress(all, report), []);

describe('foldProgress', () => {
  it('keeps the latest report per phase and table, where the table was first reported', () => {
    expect(
      fold([push(1), pull('customers', 5), pull('products', 2), push(3, 1), pull('customers', 9)]),
    ).toEqual([push(3, 1), pull('customers', 9), pull('products', 2)]);
  });

  it('leaves the list it folds into as it was', () => {
    const before = fold([pull('customers', 5)]);
    foldProgress(before, pull('customers', 6));
    expect(before).toEqual([pull('customers', 5)]);
  });
});

describe('countProgress', () => {
  it('counts nothing for a run that reported nothing', () => {
    expect(countProgress([])).toEqual({
      pushed: 0,
      rejected: 0,
      deadLettered: 0,
      pulled: 0,
      tables: [],
    });
  });

  it('takes the push counts and sums the pulled tables, totals where known', () => {
    expect(
      countProgress(fold([push(4, 1, 1), pull('customers', 500, 500), pull('products', 7)])),
    ).toEqual({
      pushed: 4,
      rejected: 1,
      deadLettered: 1,
      pulled: 507,
      tables: [
        { table: 'customers', done: 500, total: 500 },
        { table: 'products', done: 7 },
      ],
    });
  });
});
