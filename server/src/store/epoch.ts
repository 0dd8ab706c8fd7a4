/**
 * The server's epoch: a random name for "this history of the data". Revisions and checkpoints
 * only mean something within one epoch, so whenever the data is replaced by another history (a
 * restore from a backup, a test reset) the epoch is rotated, and clients that see a new one pull
 * everything again (docs/protocol.md, "Epochs").
 *
 * It lives in the database (`server_meta`), not in a process: every instance behind a load
 * balancer must answer the same epoch, and a rotation by one instance or by the operator command
 * must be seen by all of them at once. So it is read from the database, and cached only beside
 * a user's counter in head-cache.ts, which every change of it clears by notification.
 */
import { randomBytes } from 'node:crypto';
import type { Queryable } from './db';

const EPOCH_KEY = 'epoch';

/** 16 random bytes, base64url: never equal to an earlier epoch in practice. */
export function newEpoch(): string {
  return randomBytes(16).toString('base64url');
}

/**
 * The epoch, creating one if the database has none yet (first start). Safe when several instances
 * start at once: the first insert wins and everyone reads that one.
 */
export async function readEpoch(db: Queryable): Promise<string> {
  const found = await db.query<{ value: string }>('SELECT value FROM server_meta WHERE key = $1', [
    EPOCH_KEY,
  ]);
  const value = found.rows[0]?.value;
  if (value !== undefined) return value;
  await db.query(
    'INSERT INTO server_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING',
    [EPOCH_KEY, newEpoch()],
  );
  const created = await db.query<{ value: string }>(
    'SELECT value FROM server_meta WHERE key = $1',
    [EPOCH_KEY],
  );
  const epoch = created.rows[0]?.value;
  if (epoch === undefined) throw new Error('server_meta has no epoch after creating one');
  return epoch;
}

/**
 * Gives the server a new epoch and returns it. Run it in the same transaction as the change that
 * replaces the data where there is one (a test reset), or right after it (a restore): a pull reads
 * the epoch before the records, so it can pair the old epoch with new data (the client then
 * resyncs at its next pull) but never the new epoch with old data.
 */
export async function rotateEpoch(db: Queryable): Promise<string> {
  const epoch = newEpoch();
  await db.query(
    `INSERT INTO server_meta (key, value) VALUES ($1, $2)
     ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
    [EPOCH_KEY, epoch],
  );
  return epoch;
}
