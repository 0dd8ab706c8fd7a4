/**
 * The gap-safety scenario, shared by the PGlite suite, the PostgreSQL suite and the several-
 * instances suite: a slow writer holds its revision uncommitted while a second writer and a pull
 * run. Whatever the driver, a pull continuing from its checkpoint must see both writes; no
 * revision is skipped. The interleaving is forced, never timed: the slow writer is held in the
 * push path's seam, and on PostgreSQL the scenario waits until the database shows the second
 * writer waiting for the slow one's lock before it goes on.
 */
import assert from 'node:assert/strict';
import type {
  Checkpoint,
  PullTableResult,
  PushChange,
  PushResponse,
  ServerRecord,
} from '../../contract/protocol';
import type { Db, Queryable } from '../src/store/db';
import { pushChanges, type PushOptions } from '../src/store/push';
import { pull } from '../src/store/pull';
import { untilWaitingFor } from './lock-waits';

export interface GapSafetyOutcome {
  /** The pull in the middle answered while the slow writer was still open (PostgreSQL only). */
  pulledWhileOpen: boolean;
  /** The second writer finished before the slow one was released (must never happen). */
  secondFinishedFirst: boolean;
  slowRev: number;
  fastRev: number;
  seen: ServerRecord[];
}

/** Where the scenario writes and reads: the store itself, or server instances over HTTP. */
export interface GapSafetyTarget {
  readonly driver: Db['driver'];
  /** Pushes one change; `afterRevision` is awaited inside its transaction (the push seam). */
  push(change: PushChange, afterRevision?: PushOptions['afterRevision']): Promise<PushResponse>;
  pull(checkpoint: Checkpoint): Promise<PullTableResult>;
}

/** The scenario straight on the store's functions. */
export function storeTarget(db: Db, userId: string): GapSafetyTarget {
  return {
    driver: db.driver,
    push: (change, afterRevision) => pushChanges(db, userId, [change], { afterRevision }),
    pull: async (checkpoint) =>
      (await pull(db, userId, [{ table: 'workOrders', checkpoint }], 5000)).tables[0]!,
  };
}

const order = (id: string, title: string): PushChange => ({
  table: 'workOrders',
  id,
  changeId: `gap-${id}`,
  baseRev: null,
  deleted: false,
  data: { title, customerId: 'cus-000001', status: 'open' },
});

export async function runGapSafetyScenario(
  target: GapSafetyTarget,
  tag: string,
): Promise<GapSafetyOutcome> {
  const { checkpoint } = await target.pull(null);

  let signalHolding!: (tx: Queryable) => void;
  const holding = new Promise<Queryable>((resolve) => (signalHolding = resolve));
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));

  const slow = target.push(order(`${tag}-slow`, 'slow'), async (_rev, tx) => {
    signalHolding(tx);
    await released;
  });
  const slowTx = await holding;
  let releasedYet = false;
  let secondFinishedFirst = false;
  const fast = target.push(order(`${tag}-fast`, 'fast')).then((response) => {
    secondFinishedFirst = !releasedYet;
    return response;
  });
  let middle: Promise<PullTableResult>;
  let early: PullTableResult | undefined;
  if (target.driver === 'postgres') {
    // The second writer must queue behind the slow one's lock: go on once PostgreSQL shows it
    // waiting, or once it finished, which is the overtaking assertNoGap reports.
    await untilWaitingFor(slowTx, 1, fast);
    // Only now the pull: PostgreSQL answers it from what is committed, seeing neither write. Had
    // it to wait for the lock as well, the second waiter shows, and pulledWhileOpen is false.
    middle = target.pull(checkpoint);
    const first = await Promise.race([middle, untilWaitingFor(slowTx, 2, middle)]);
    early = typeof first === 'string' ? undefined : first;
    if (early)
      assert.deepEqual(early.records, [], 'the pull saw a write while the slow writer was open');
  } else {
    // PGlite is one connection and the slow writer's transaction holds it: the second writer and
    // the pull can only run after it ends, whenever they are sent.
    middle = target.pull(checkpoint);
  }
  releasedYet = true;
  release();

  const [slowResult, fastResult] = await Promise.all([slow, fast]);
  const firstPage = await middle;
  const rest = await target.pull(firstPage.checkpoint);
  const revOf = (result: (typeof slowResult.results)[number] | undefined) =>
    result?.status === 'applied' ? result.rev : Number.NaN;
  return {
    pulledWhileOpen: early !== undefined,
    secondFinishedFirst,
    slowRev: revOf(slowResult.results[0]),
    fastRev: revOf(fastResult.results[0]),
    seen: [...firstPage.records, ...rest.records],
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
