/**
 * Bounded storage: what the database needs only for a while is deleted on a schedule
 * (prune-schedule.ts). Remembered results of applied changes (`applied_changes`) serve re-sends
 * of lost responses, so they are kept for a retention window (docs/protocol.md says what a
 * re-send after it gets); expired and revoked sessions serve nothing.
 *
 * Every instance on one PostgreSQL prunes on its own schedule. Deleting the same rows twice
 * would be harmless, but two instances would queue behind each other's row locks: each batch
 * takes a transaction-scoped try-lock, and an instance that doesn't get it leaves the work to the
 * one that did. Batches keep each transaction short, which matters most on PGlite, where a
 * transaction holds the only connection.
 */
import type { Db } from './db';

/** Beside migrations.ts's advisory lock keys (727274, 727275). */
export const PRUNE_LOCK = 727276;

export const DEFAULT_CHANGE_RETENTION_MS = 30 * 86_400_000;

const DEFAULT_BATCH = 1_000;

export interface PruneOptions {
  /** The clock's reading now (epoch ms): results applied before `now - retentionMs` go. */
  readonly now: number;
  readonly retentionMs: number;
  /** Remembered results deleted per transaction. */
  readonly batchSize?: number;
}

export interface PruneResult {
  /** Another instance held the lock: this one deleted nothing. */
  readonly skipped: boolean;
  readonly appliedChanges: number;
  readonly sessions: number;
}

export async function pruneStorage(db: Db, options: PruneOptions): Promise<PruneResult> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH;
  const now = new Date(options.now).toISOString();
  const cutoff = new Date(options.now - options.retentionMs).toISOString();
  let appliedChanges = 0;
  let sessions = 0;
  for (let batch = 0; ; batch++) {
    const deleted = await db.transaction(async (tx) => {
      const { rows } = await tx.query<{ locked: boolean }>(
        `SELECT pg_try_advisory_xact_lock(${PRUNE_LOCK}) AS locked`,
      );
      if (!rows[0]?.locked) return null;
      if (batch === 0) {
        const dead = await tx.query(
          'DELETE FROM sessions WHERE revoked OR expires_at <= $1::timestamptz',
          [now],
        );
        sessions = dead.rowCount;
      }
      const old = await tx.query(
        `DELETE FROM applied_changes
          WHERE (user_id, change_id) IN (
            SELECT user_id, change_id FROM applied_changes
             WHERE applied_at < $1::timestamptz LIMIT $2)`,
        [cutoff, batchSize],
      );
      return old.rowCount;
    });
    // Locked out: at the first batch nothing was done here; later, the other instance goes on.
    if (deleted === null) return { skipped: batch === 0, appliedChanges, sessions };
    appliedChanges += deleted;
    if (deleted < batchSize) return { skipped: false, appliedChanges, sessions };
  }
}
