/**
 * Local edits by features: every edit is a new pending change with its own change id, based on
 * the server revision (and fields) the record had. Each is one incremental write, which RxDB
 * serialises per document, so an edit never interleaves with a push result or a pull write of
 * the same record.
 */
import type { RxDocument } from 'rxdb';

import type { TableName, TableSpec } from '../../../../contract/tables';
import type { AnySyncCollection } from './local-database';
import { LocalRecordNotFoundError } from './local-write.errors';
import type { SyncDoc } from './local-schemas';
import { editedMeta, newLocalMeta, pickFields, type PlainRecord } from './sync-records';

/** What the `localWrites$` stream reports after a local write committed. */
export interface LocalWrite {
  readonly table: TableName;
  readonly id: string;
  /** The change waiting to be pushed. */
  readonly changeId: string;
  readonly deleted: boolean;
}

export interface ChangeStamp {
  readonly changeId: string;
  readonly changedAt: number;
}

/** Fields to change; a field given as null or undefined is removed (optional fields only). */
export type FieldPatch = Readonly<Record<string, unknown>>;

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
    ...editedMeta(spec, current, stamp.changeId, stamp.changedAt),
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
 * Applies only the fields in `patch` onto the record's current local version (rule 2: a form
 * writes what the user changed, so a field another device or tab changed meanwhile survives).
 * Keys that are not declared fields are ignored, as everywhere else.
 */
export async function patchLocalRecord(
  collection: AnySyncCollection,
  spec: TableSpec,
  id: string,
  patch: FieldPatch,
  stamp: ChangeStamp,
): Promise<LocalWrite> {
  const existing = await collection.findOne(id).exec();
  if (!existing) throw new LocalRecordNotFoundError(spec.name, id);
  await existing.incrementalModify((current) => {
    // Decided inside the modifier: a delete queued before this write wins.
    if (isGone(current)) throw new LocalRecordNotFoundError(spec.name, id);
    return {
      id: current.id,
      ...pickFields(spec, { ...pickFields(spec, current), ...patch }),
      ...editedMeta(spec, current, stamp.changeId, stamp.changedAt),
    };
  });
  return { table: spec.name, id, changeId: stamp.changeId, deleted: false };
}

/**
 * Marks a record as deleted locally: a soft delete the push turns into a server deletion, also
 * for a record the server never acknowledged (its create may be in flight, or committed with
 * its answer lost: rule 3). It is removed for real when the server applies the deletion.
 */
export async function deleteLocalRecord(
  collection: AnySyncCollection,
  spec: TableSpec,
  id: string,
  stamp: ChangeStamp,
): Promise<LocalWrite> {
  const existing = await collection.findOne(id).exec();
  if (!existing || existing.localDeleted) throw new LocalRecordNotFoundError(spec.name, id);
  await existing.incrementalModify((current) => {
    if (isGone(current)) throw new LocalRecordNotFoundError(spec.name, id);
    return softDeleted(spec, current, stamp);
  });
  return { table: spec.name, id, changeId: stamp.changeId, deleted: true };
}

/** `current` as a pending local deletion. */
export function softDeleted(spec: TableSpec, current: SyncDoc, stamp: ChangeStamp): SyncDoc {
  return {
    ...current,
    ...editedMeta(spec, current, stamp.changeId, stamp.changedAt),
    localDeleted: true,
  };
}

/** Deleted locally, or removed meanwhile (an applied deletion) while this write was queued. */
function isGone(current: SyncDoc & { _deleted?: boolean }): boolean {
  return current.localDeleted || current._deleted === true;
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
