/**
 * Deterministic waits for concurrency tests on PostgreSQL: instead of sleeping and hoping the
 * other session got as far as the lock, ask PostgreSQL who is waiting for it.
 */
import type { Queryable } from '../src/store/db';

/**
 * How many sessions wait for a lock held by the session of `tx` (an open transaction, e.g. the
 * one a push hands to its `afterRevision` seam). Asked through `tx` so `pg_backend_pid()` is the
 * holder's own backend. From `pg_locks`, which is read live: `pg_stat_activity` is a snapshot
 * taken once per transaction, so asked again inside `tx` it would never change.
 */
export async function lockWaiters(tx: Queryable): Promise<number> {
  const { rows } = await tx.query<{ n: unknown }>(
    `SELECT count(DISTINCT pid) AS n FROM pg_locks
      WHERE NOT granted AND pg_backend_pid() = ANY(pg_blocking_pids(pid))`,
  );
  return Number(rows[0]?.n);
}

/**
 * Resolves 'waiting' once `count` sessions wait for the lock `tx` holds, or 'settled' as soon as
 * `other` settles first: the other side finishing while it should be waiting is the failure the
 * caller asserts on, and must not leave this loop asking forever. Each turn is one round trip to
 * PostgreSQL, no timer.
 */
export async function untilWaitingFor(
  tx: Queryable,
  count: number,
  other: Promise<unknown>,
): Promise<'waiting' | 'settled'> {
  let settled = false;
  const stop = () => (settled = true);
  other.then(stop, stop);
  while (!settled) {
    if ((await lockWaiters(tx)) >= count) return 'waiting';
  }
  return 'settled';
}
