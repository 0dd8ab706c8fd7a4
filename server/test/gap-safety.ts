/**
 * The gap-safety scenario, shared by the PGlite suite and the optional PostgreSQL suite: a slow
 * writer holds its revision uncommitted while a second writer and a pull run. Whatever the
 * driver, a pull continuing from its checkpoint must see both writes; no revision is skipped.
 */
import assert from 'node:assert/strict';
import type { ServerRecord } from '../../contract/protocol';
import type { Db } from '../src/store/db';
import { pushChanges } from '../src/store/push';
import { pull } from '../src/store/pull';
import { sleep } from './helpers';

export interface GapSafetyOutcome {
  /** The pull in the middle answered while the slow writer was still open (PostgreSQL only). */
  pulledWhileOpen: boolean;
  /** The second writer finished before the slow one was released (must never happen). */
  secondFinishedFirst: boolean;
  slowRev: number;
  fastRev: number;
  seen: ServerRecord[];
}

const order = (id: string, title: string) => ({
  table: 'workOrders' as const,
  id,
  changeId: `gap-${id}`,
  baseRev: null,
  deleted: false,
  data: { title, customerId: 'cus-000001', status: 'open' },
});

export async function runGapSafetyScenario(
  db: Db,
  userId: string,
  tag: string,
): Promise<GapSafetyOutcome> {
  const table = 'workOrders';
  const start = await pull(db, userId, [{ table, checkpoint: null }], 5000);
  const checkpoint = start.tables[0]!.checkpoint;

  let signalHolding!: () => void;
  const holding = new Promise<void>((resolve) => (signalHolding = resolve));
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));

  const slow = pushChanges(db, userId, [order(`${tag}-slow`, 'slow')], {
    afterRevision: async () => {
      signalHolding();
      await released;
    },
  });
  await holding;
  let releasedYet = false;
  let secondFinishedFirst = false;
  const fast = pushChanges(db, userId, [order(`${tag}-fast`, 'fast')]).then((response) => {
    secondFinishedFirst = !releasedYet;
    return response;
  });
  const middle = pull(db, userId, [{ table, checkpoint }], 5000);
  // PostgreSQL answers the pull now (it sees neither write); PGlite's single connection makes it
  // wait behind the open transaction. Either is safe; what matters is what comes after.
  const early = await Promise.race([middle, sleep(300).then(() => undefined)]);
  if (early) assert.deepEqual(early.tables[0]?.records, [], 'an uncommitted write was visible');
  await sleep(50);
  releasedYet = true;
  release();

  const [slowResult, fastResult] = await Promise.all([slow, fast]);
  const firstPage = (await middle).tables[0]!;
  const rest = await pull(db, userId, [{ table, checkpoint: firstPage.checkpoint }], 5000);
  const revOf = (result: (typeof slowResult.results)[number] | undefined) =>
    result?.status === 'applied' ? result.rev : Number.NaN;
  return {
    pulledWhileOpen: early !== undefined,
    secondFinishedFirst,
    slowRev: revOf(slowResult.results[0]),
    fastRev: revOf(fastResult.results[0]),
    seen: [...firstPage.records, ...rest.tables[0]!.records],
  };
}

/** The assertions every driver must pass. */
export function assertNoGap(outcome: GapSafetyOutcome, tag: string): void {
  assert.equal(outcome.secondFinishedFirst, false, 'the second writer overtook the slow one');
  assert.ok(outcome.fastRev > outcome.slowRev, 'revision order differs from commit order');
  const seenIds = outcome.seen.map((record) => record.id).sort();
  assert.deepEqual(seenIds, [`${tag}-fast`, `${tag}-slow`]);
  const revs = outcome.seen.map((record) => record.rev);
  assert.deepEqual(
    revs,
    [...revs].sort((a, b) => a - b),
    'records out of revision order',
  );
}
