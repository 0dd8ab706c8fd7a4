/**
 * Conversions between stored documents (record + sync metadata) and the shapes the UI and the
 * protocol use. Registry-driven: only the fields a table declares are ever copied.
 */
import type { TableSpec } from '../../../../contract/tables';
import { NEVER_PUSHED_REV, type SyncDoc, type SyncMeta } from './local-schemas';

export type PlainRecord = { id: string } & Record<string, unknown>;

/**
 * The table's declared fields of `data`. Unknown keys are dropped (a newer server may send
 * fields this build doesn't know, and the schema would refuse them); null means "absent".
 */
export function pickFields(spec: TableSpec, data: Readonly<Record<string, unknown>>) {
  const fields: Record<string, unknown> = {};
  for (const key of Object.keys(spec.fields)) {
    const value = data[key];
    if (value !== undefined && value !== null) fields[key] = value;
  }
  return fields;
}

/** The record as features see it: `id` and the declared fields, no metadata. */
export function toPlainRecord(spec: TableSpec, doc: Readonly<SyncDoc>): PlainRecord {
  return { id: doc.id, ...pickFields(spec, doc) };
}

/** Metadata of a version that is exactly the server's revision `rev`. */
export function syncedMeta(rev: number): SyncMeta {
  return {
    syncPending: false,
    syncRev: rev,
    syncChangeId: '',
    syncChangedAt: 0,
    syncAttempts: 0,
    syncError: '',
    syncDeadLetter: false,
    syncConflict: null,
    localDeleted: false,
  };
}

/** Metadata of a record created locally that the server has never seen. */
export function newLocalMeta(changeId: string, changedAt: number): SyncMeta {
  return {
    ...syncedMeta(NEVER_PUSHED_REV),
    syncPending: true,
    syncChangeId: changeId,
    syncChangedAt: changedAt,
  };
}

/**
 * Metadata after a local edit of `current`: a new change, same base revision. A dead letter that
 * came from rejections gets a new chance (the user may have fixed the data); one holding a
 * conflict stays until the conflict is resolved, since the edit is still based on the old rev.
 */
export function editedMeta(
  current: Readonly<SyncMeta>,
  changeId: string,
  changedAt: number,
): SyncMeta {
  const keepDeadLetter = current.syncConflict !== null;
  return {
    ...metaOf(current),
    syncPending: true,
    syncChangeId: changeId,
    syncChangedAt: changedAt,
    syncAttempts: keepDeadLetter ? current.syncAttempts : 0,
    syncError: keepDeadLetter ? current.syncError : '',
    syncDeadLetter: keepDeadLetter && current.syncDeadLetter,
  };
}

/** Only the metadata of a stored document. */
export function metaOf(doc: Readonly<SyncMeta>): SyncMeta {
  return {
    syncPending: doc.syncPending,
    syncRev: doc.syncRev,
    syncChangeId: doc.syncChangeId,
    syncChangedAt: doc.syncChangedAt,
    syncAttempts: doc.syncAttempts,
    syncError: doc.syncError,
    syncDeadLetter: doc.syncDeadLetter,
    syncConflict: doc.syncConflict,
    localDeleted: doc.localDeleted,
  };
}

/** Waiting for the server, or given up on: either way the pull must not overwrite it. */
export function hasLocalChanges(doc: Readonly<SyncMeta>): boolean {
  return doc.syncPending || doc.syncDeadLetter;
}
