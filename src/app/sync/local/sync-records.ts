/**
 * Conversions between stored documents (record + sync metadata) and the shapes the UI and the
 * protocol use. Registry-driven: only the fields a table declares are ever copied.
 */
import { MAX_PRIOR_CHANGE_IDS, type ServerRecord } from '../../../../contract/protocol';
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

/** Absent and null are the same value (docs/protocol.md, rule 1); fields are primitives. */
export function sameValue(a: unknown, b: unknown): boolean {
  return (a ?? null) === (b ?? null);
}

/**
 * Metadata of a version that is exactly the server's revision `rev`. No stored base: a synced
 * record is its own (see mergeBase).
 */
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
    syncConflictFields: [],
    localDeleted: false,
    syncBase: null,
    syncPrior: [],
    syncPriorData: [],
    syncStale: false,
    syncSeenRev: 0,
  };
}

/**
 * The stored form of a live server record: its declared fields, synced at its revision. No
 * `syncBase`: a synced record's own fields are its base, and the first edit copies them
 * (editedMeta), so the pull stores and serialises each record's fields once, not twice.
 */
export function syncedDoc(spec: TableSpec, record: ServerRecord): SyncDoc {
  const fields = pickFields(spec, record.data ?? {});
  return { id: record.id, ...fields, ...syncedMeta(record.rev) };
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
 * Metadata after a local edit of `current`: a new change, same base revision and base fields.
 *
 * - The base: a synced record's fields are the server's version at `syncRev`, so the first edit
 *   takes them as its base (should the stored base be missing); later edits keep it.
 * - The prior changes: a pending change id may have reached the server with its answer lost;
 *   it goes onto `syncPrior` so the server can recognise it (rule 5). Oldest dropped past the
 *   cap: the server reads no more than that.
 * - A dead letter that came from rejections gets a new chance (the user may have fixed the
 *   data); one holding a conflict stays until the conflict is resolved, since the edit is still
 *   based on the old rev.
 */
export function editedMeta(
  spec: TableSpec,
  current: Readonly<SyncDoc>,
  changeId: string,
  changedAt: number,
): SyncMeta {
  const keepDeadLetter = current.syncConflict !== null;
  const base = mergeBase(spec, current);
  const superseded = current.syncPending && current.syncChangeId !== '';
  const prior = superseded
    ? withPrior(
        current,
        current.syncChangeId,
        current.localDeleted ? null : pickFields(spec, current),
      )
    : { syncPrior: [...current.syncPrior], syncPriorData: [...current.syncPriorData] };
  return {
    ...metaOf(current),
    syncPending: true,
    syncChangeId: changeId,
    syncChangedAt: changedAt,
    syncAttempts: keepDeadLetter ? current.syncAttempts : 0,
    syncError: keepDeadLetter ? current.syncError : '',
    syncDeadLetter: keepDeadLetter && current.syncDeadLetter,
    syncBase: base,
    ...prior,
  };
}

/**
 * The base a change of this record is measured against (rule 1): the stored one, or, for a
 * synced record (no local changes, a version the server has), its own fields, which a pull does
 * not store a second time (`syncedDoc`). Null: no base (a create, or one never kept).
 */
export function mergeBase(spec: TableSpec, doc: Readonly<SyncDoc>): Record<string, unknown> | null {
  if (doc.syncBase !== null) return doc.syncBase;
  const synced = !hasLocalChanges(doc) && doc.syncRev !== NEVER_PUSHED_REV;
  return synced ? pickFields(spec, doc) : null;
}

export type PriorChanges = Pick<SyncMeta, 'syncPrior' | 'syncPriorData'>;

/**
 * The prior changes with `changeId` (which sent `data`) appended, capped at
 * MAX_PRIOR_CHANGE_IDS (oldest dropped: the server reads no more than that).
 */
export function withPrior(
  current: Readonly<PriorChanges>,
  changeId: string,
  data: Record<string, unknown> | null,
): PriorChanges {
  const ids = [...current.syncPrior];
  const sent = [...current.syncPriorData];
  if (!ids.includes(changeId)) {
    ids.push(changeId);
    sent.push(data);
  }
  const drop = Math.max(0, ids.length - MAX_PRIOR_CHANGE_IDS);
  return { syncPrior: ids.slice(drop), syncPriorData: sent.slice(drop) };
}

/** The prior changes after `changeId` got its answer: it and every earlier one are dropped. */
export function answeredPrior(current: Readonly<PriorChanges>, changeId: string): PriorChanges {
  const at = current.syncPrior.indexOf(changeId);
  return {
    syncPrior: current.syncPrior.slice(at + 1),
    syncPriorData: current.syncPriorData.slice(at + 1),
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
    syncConflictFields: [...doc.syncConflictFields],
    localDeleted: doc.localDeleted,
    syncBase: doc.syncBase,
    syncPrior: [...doc.syncPrior],
    syncPriorData: [...doc.syncPriorData],
    syncStale: doc.syncStale,
    syncSeenRev: doc.syncSeenRev,
  };
}

/** Waiting for the server, or given up on: either way the pull must not overwrite it. */
export function hasLocalChanges(doc: Readonly<SyncMeta>): boolean {
  return doc.syncPending || doc.syncDeadLetter;
}
