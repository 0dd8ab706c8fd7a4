/**
 * Pull checkpoints per user and table, and which user the local data belongs to.
 */
import type { RxCollection } from 'rxdb';

import type { Checkpoint } from '../../../../contract/protocol';
import type { TableName } from '../../../../contract/tables';
import type { LocalDbHandle } from './local-database';
import type { CheckpointDoc } from './local-schemas';

const OWNER_KEY = 'owner';

export function checkpointId(userId: string, table: TableName): string {
  return `${userId}|${table}`;
}

export async function readCheckpoint(
  checkpoints: RxCollection<CheckpointDoc>,
  userId: string,
  table: TableName,
): Promise<Checkpoint> {
  const doc = await checkpoints.findOne(checkpointId(userId, table)).exec();
  return doc ? doc.checkpoint : null;
}

/** Upserts one field set of a table's checkpoint doc, keeping the fields it doesn't name. */
export async function patchCheckpoint(
  checkpoints: RxCollection<CheckpointDoc>,
  userId: string,
  table: TableName,
  patch: Partial<Pick<CheckpointDoc, 'checkpoint' | 'initialComplete'>>,
  now: number,
): Promise<void> {
  // insertIfNotExists + incrementalPatch rather than upsert: the patch is queued with other
  // writes of the same doc (the next page, the gate marking completion) and changes only the
  // fields it names, instead of the last full write winning.
  const doc = await checkpoints.insertIfNotExists({
    id: checkpointId(userId, table),
    userId,
    table,
    checkpoint: null,
    initialComplete: false,
    updatedAt: now,
  });
  await doc.incrementalPatch({ ...patch, updatedAt: now });
}

export async function readCompletedTables(
  checkpoints: RxCollection<CheckpointDoc>,
  userId: string,
): Promise<TableName[]> {
  const docs = await checkpoints.find({ selector: { userId } }).exec();
  return docs.filter((doc) => doc.initialComplete).map((doc) => doc.table as TableName);
}

/** Forgets where the pull of these tables stood, so they are pulled again from the start. */
export async function clearCheckpoints(
  checkpoints: RxCollection<CheckpointDoc>,
  userId: string,
  tables: readonly TableName[],
  now: number,
): Promise<void> {
  await Promise.all(
    tables.map((table) =>
      patchCheckpoint(
        checkpoints,
        userId,
        table,
        { checkpoint: null, initialComplete: false },
        now,
      ),
    ),
  );
}

export async function readOwner(handle: LocalDbHandle): Promise<string | null> {
  const doc = await handle.meta.findOne(OWNER_KEY).exec();
  return doc ? doc.value : null;
}

/**
 * Makes `userId` the owner of the local data. Another user's records, checkpoints and log are
 * wiped first, and their tombstones purged: RxDB keeps a deleted document's data until cleanup,
 * and a stale tombstone could also hide the new user's record with the same id.
 * Returns whether anything was wiped.
 */
export async function takeOwnership(handle: LocalDbHandle, userId: string): Promise<boolean> {
  const owner = await readOwner(handle);
  if (owner === userId) return false;
  const collections: RxCollection[] = [
    ...handle.tables.map((spec) => handle.anyTable(spec.name)),
    handle.checkpoints,
    handle.synclog,
  ];
  // No owner recorded yet: wipe too, whatever is there was never attributed to this user.
  await Promise.all(collections.map((collection) => wipe(collection)));
  await handle.meta.upsert({ key: OWNER_KEY, value: userId });
  return true;
}

async function wipe(collection: RxCollection): Promise<void> {
  await collection.find().remove();
  // cleanup() does a bounded amount per call and says whether it finished.
  while (!(await collection.storageInstance.cleanup(0))) {
    // Keep purging until the storage reports no tombstones left.
  }
}
