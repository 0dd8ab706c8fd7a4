/**
 * Local edits by features: every edit is a new pending change with its own change id, based on
 * the server revision the record had. Each is one incremental write, which RxDB serialises per
 * document, so an edit never interleaves with a push result or a pull write of the same record.
 */
import type { RxDocument } from 'rxdb';

import type { TableName, TableSpec } from '../../../../contract/tables';
import type { AnySyncCollection } from './local-database';
import { LocalRecordNotFoundError } from './local-write.errors';
import { NEVER_PUSHED_REV, type SyncDoc } from './local-schemas';
import { editedMeta, newLocalMeta, pickFields, type PlainRecord } from './sync-records';

/** What the `localWrites$` stream reports after a local write committed. */
export interface LocalWrite {
  readonly table: TableName;
  readonly id: string;
  /** '' when a never-pushed record was deleted outright (nothing left to push). */
  readonly changeId: string;
  readonly deleted: boolean;
}

export interface ChangeStamp {
  readonly changeId: string;
  readonly changedAt: number;
}

/**
 * Stores `record` as the record's new full content (declared fields it lacks are removed) and
 * marks it pending. Undeletes a record that was deleted locally but not yet pushed.
 */
export async function upsertLocalRecord(
  collection: AnySyncCollection,
  spec: TableSpec,
  record: PlainRecord,
  stamp: ChangeStamp,
): Promise<LocalWrite> {
  const fields = pickFields(spec, record);
  const edit = (current: SyncDoc): SyncDoc => ({
    id: current.id,
    ...fields,
    ...editedMeta(current, stamp.changeId, stamp.changedAt),
    localDeleted: false,
  });
  const existing = await collection.findOne(record.id).exec();
  if (existing) {
    await existing.incrementalModify(edit);
  } else {
    await insertOrEdit(
      collection,
      { id: record.id, ...fields, ...newLocalMeta(stamp.changeId, stamp.changedAt) },
      edit,
    );
  }
  return { table: spec.name, id: record.id, changeId: stamp.changeId, deleted: false };
}

/**
 * Marks a record as deleted locally (a soft delete the push turns into a server deletion). A
 * record the server never had is removed outright: there is nothing to tell the server.
 */
export async function deleteLocalRecord(
  collection: AnySyncCollection,
  spec: TableSpec,
  id: string,
  stamp: ChangeStamp,
): Promise<LocalWrite> {
  const existing = await collection.findOne(id).exec();
  if (!existing || existing.localDeleted) throw new LocalRecordNotFoundError(spec.name, id);
  let removed = false;
  await existing.incrementalModify((current) => {
    // Decided inside the modifier: it sees the latest state, even if a push result landed.
    removed = current.syncRev === NEVER_PUSHED_REV;
    if (removed) return { ...current, _deleted: true };
    return {
      ...current,
      ...editedMeta(current, stamp.changeId, stamp.changedAt),
      localDeleted: true,
    };
  });
  return { table: spec.name, id, changeId: removed ? '' : stamp.changeId, deleted: true };
}

/**
 * Inserts a new record; if it appeared between our read and the insert (another tab, or the
 * pull), applies the same edit to it instead of failing.
 */
async function insertOrEdit(
  collection: AnySyncCollection,
  doc: SyncDoc,
  edit: (current: SyncDoc) => SyncDoc,
): Promise<void> {
  try {
    await collection.insert(doc);
  } catch (error) {
    if (!isConflict(error)) throw error;
    const current: RxDocument<SyncDoc> | null = await collection.findOne(doc.id).exec();
    if (!current) throw error;
    await current.incrementalModify(edit);
  }
}

function isConflict(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    (error as { code: unknown }).code === 'CONFLICT'
  );
}
