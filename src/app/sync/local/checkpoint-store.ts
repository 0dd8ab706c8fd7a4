/**
 * Pull checkpoints per user and table, and which user the local data belongs to.
 *
 * Each checkpoint doc has a `generation` (rule 7, docs/protocol.md). A reset sets the checkpoint
 * to null and bumps the generation in one write; a pull reads the generation when it starts and
 * saves a page's checkpoint only if it is still the same, checked in the same write. So a pull
 * that was running when a reset happened (a master-data re-sync, a resync) can never save its
 * cursor over the reset. `initialComplete` is separate and no reset clears it: only a table that
 * never completed opens the initial-sync gate.
 */
import type { RxCollection } from 'rxdb';

import type { Checkpoint } from '../../../../contract/protocol';
import type { TableName } from '../../../../contract/tables';
import type { LocalDbHandle } from './local-database';
import type { CheckpointDoc } from './local-schemas';

const OWNER_KEY = 'owner';

/** Where a table's pull stands, and the generation that position belongs to. */
export interface PullPosition {
  readonly checkpoint: Checkpoint;
  readonly generation: number;
}

export function checkpointId(userId: string, table: TableName): string {
  return `${userId}|${table}`;
}

export async function readPosition(
  checkpoints: RxCollection<CheckpointDoc>,
  userId: string,
  table: TableName,
): Promise<PullPosition> {
  const doc = await checkpoints.findOne(checkpointId(userId, table)).exec();
  return doc
    ? { checkpoint: doc.checkpoint, generation: doc.generation }
    : { checkpoint: null, generation: 0 };
}

export async function readCheckpoint(
  checkpoints: RxCollection<CheckpointDoc>,
  userId: string,
  table: TableName,
): Promise<Checkpoint> {
  return (await readPosition(checkpoints, userId, table)).checkpoint;
}

/**
 * Changes a table's checkpoint doc by `modify`, creating it first if missing. insertIfNotExists
 * + incrementalModify rather than upsert: the change is queued with other writes of the same
 * doc (the next page, the gate marking completion, a reset) and decided on its latest state,
 * instead of the last full write winning.
 */
async function modifyCheckpoint(
  checkpoints: RxCollection<CheckpointDoc>,
  userId: string,
  table: TableName,
  modify: (current: CheckpointDoc) => CheckpointDoc,
  now: number,
): Promise<void> {
  const doc = await checkpoints.insertIfNotExists({
    id: checkpointId(userId, table),
    userId,
    table,
    checkpoint: null,
    generation: 0,
    initialComplete: false,
    updatedAt: now,
  });
  await doc.incrementalModify((current) => ({ ...modify(current), updatedAt: now }));
}

/** Upserts one field set of a table's checkpoint doc, keeping the fields it doesn't name. */
export function patchCheckpoint(
  checkpoints: RxCollection<CheckpointDoc>,
  userId: string,
  table: TableName,
  patch: Partial<Pick<CheckpointDoc, 'checkpoint' | 'initialComplete'>>,
  now: number,
): Promise<void> {
  return modifyCheckpoint(checkpoints, userId, table, (current) => ({ ...current, ...patch }), now);
}

/**
 * Saves a page's checkpoint if the table's generation is still `generation` (the one its pull
 * started with). The check and the write are one incremental write. Resolves to whether it
 * saved.
 */
export async function saveCheckpointFenced(
  checkpoints: RxCollection<CheckpointDoc>,
  userId: string,
  table: TableName,
  checkpoint: Checkpoint,
  generation: number,
  now: number,
): Promise<boolean> {
  // The modifier may run again on a newer state: the last run decides.
  let saved = false;
  await modifyCheckpoint(
    checkpoints,
    userId,
    table,
    (current) => {
      saved = current.generation === generation;
      return saved ? { ...current, checkpoint } : current;
    },
    now,
  );
  return saved;
}

export async function readCompletedTables(
  checkpoints: RxCollection<CheckpointDoc>,
  userId: string,
): Promise<TableName[]> {
  const docs = await checkpoints.find({ selector: { userId } }).exec();
  return docs.filter((doc) => doc.initialComplete).map((doc) => doc.table as TableName);
}

/**
 * Forgets where the pull of these tables stood, so they are pulled again from the start, and
 * bumps their generation in the same write, which fences off any pull that is still running.
 * Leaves `initialComplete` alone: a re-sync must not reopen the initial-sync gate.
 */
export async function clearCheckpoints(
  checkpoints: RxCollection<CheckpointDoc>,
  userId: string,
  tables: readonly TableName[],
  now: number,
): Promise<void> {
  await Promise.all(
    tables.map((table) =>
      modifyCheckpoint(
        checkpoints,
        userId,
        table,
        (current) => ({ ...current, checkpoint: null, generation: current.generation + 1 }),
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
 * Makes `userId` the owner of the local data. Another user's records, checkpoints, log and
 * epoch bookkeeping are wiped first, and their tombstones purged: RxDB keeps a deleted
 * document's data until cleanup, and a stale tombstone could also hide the new user's record
 * with the same id. Returns whether anything was wiped.
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
  // The previous owner's epoch and resync records go too; the owner key is replaced below.
  await handle.meta.find({ selector: { key: { $ne: OWNER_KEY } } }).remove();
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
