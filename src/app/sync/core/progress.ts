import { PhaseProgress, RunCounts } from './types';

/**
 * Folds one progress report into a run's latest reports. Reports are cumulative snapshots, so the
 * new one replaces the report of the same phase (for pull, of the same table) where it stood:
 * the order stays the order in which tables were first reported. The one fold of progress: the
 * run's counts, the coordinator's state and the initial-sync gate all use it.
 */
export function foldProgress<P extends PhaseProgress>(latest: readonly P[], next: P): readonly P[] {
  const index = latest.findIndex((report) => sameSubject(report, next));
  return index === -1
    ? [...latest, next]
    : latest.map((report, i) => (i === index ? next : report));
}

/** What a run did, from its latest progress reports. */
export function countProgress(latest: readonly PhaseProgress[]): RunCounts {
  const push = latest.find((report) => report.phase === 'push');
  const tables = latest.flatMap((report) =>
    report.phase === 'pull'
      ? [
          report.total === undefined
            ? { table: report.table, done: report.done }
            : { table: report.table, done: report.done, total: report.total },
        ]
      : [],
  );
  return {
    pushed: push?.sent ?? 0,
    rejected: push?.rejected ?? 0,
    deadLettered: push?.deadLettered ?? 0,
    pulled: tables.reduce((sum, table) => sum + table.done, 0),
    tables,
  };
}

function sameSubject(a: PhaseProgress, b: PhaseProgress): boolean {
  return a.phase === 'push' ? b.phase === 'push' : b.phase === 'pull' && a.table === b.table;
}
