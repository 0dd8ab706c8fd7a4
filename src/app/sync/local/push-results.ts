/**
 * What one push result does to a stored record: pure functions of (record, result), so an
 * incremental write can run them again on a newer state after a write conflict.
 */
import type { PushResult, ServerRecord } from '../../../../contract/protocol';
import type { TableSpec } from '../../../../contract/tables';
import type { SyncDoc } from './local-schemas';
import { metaOf, pickFields, sameValue, syncedDoc } from './sync-records';

/** A stored document as an incremental write sees it. */
export type StoredDoc = SyncDoc & { _deleted?: boolean };

export type PushOutcomeCounter =
  'applied' | 'rebased' | 'conflicts' | 'rejected' | 'deadLettered' | 'ignored';

export interface PushOutcome {
  readonly counter: PushOutcomeCounter;
  readonly doc: StoredDoc;
}

export function nextStateAfterPush(
  spec: TableSpec,
  current: StoredDoc,
  result: PushResult,
  maxAttempts: number,
): PushOutcome {
  // Removed while this result was on its way (another tab applied the same answer).
  if (current._deleted) return { counter: 'ignored', doc: current };
  const sameChange = current.syncChangeId === result.changeId;
  switch (result.status) {
    case 'applied':
      return sameChange ? adopted(spec, current, result.record) : rebased(spec, current, result);
    case 'conflict':
      // Any local version is based on the revision the server refused (a later edit includes
      // the refused one's edits): park it with both versions until someone resolves it. A
      // conflict also proves the change was never applied, so it is no longer a prior.
      return {
        counter: 'conflicts',
        doc: {
          ...current,
          syncDeadLetter: true,
          syncConflict: result.server,
          syncConflictFields: [...(result.fields ?? [])],
          syncError: result.reason || 'conflict',
          syncPrior: current.syncPrior.filter((id) => id !== result.changeId),
        },
      };
    case 'rejected': {
      if (!sameChange) {
        // The rejected version is gone; the current one hasn't been tried yet.
        return { counter: 'ignored', doc: current };
      }
      const attempts = current.syncAttempts + 1;
      const dead = attempts >= maxAttempts;
      return {
        counter: dead ? 'deadLettered' : 'rejected',
        doc: {
          ...current,
          syncAttempts: attempts,
          syncError: result.reason,
          syncDeadLetter: dead,
        },
      };
    }
  }
}

/** The change we pushed is the current one: the record becomes the server's version. */
function adopted(spec: TableSpec, current: StoredDoc, record: ServerRecord): PushOutcome {
  if (current.localDeleted || record.deleted || record.data === null) {
    // Our deletion was applied, or the record was deleted since (a re-sent change answers with
    // the record's version now): either way it is gone.
    return { counter: 'applied', doc: { ...current, _deleted: true } };
  }
  return { counter: 'applied', doc: syncedDoc(spec, record) };
}

/**
 * Applied, but the user edited the record again while the push was in flight: the edit stays
 * pending, now based on the version the server wrote, so the next push is not a false conflict.
 * Every field the user didn't change since the old base takes the server's value (which may
 * hold another device's merged edit); the user's own changes are kept.
 */
function rebased(
  spec: TableSpec,
  current: StoredDoc,
  result: Extract<PushResult, { status: 'applied' }>,
): PushOutcome {
  const record = result.record;
  // The acknowledged change and every earlier one have an outcome now.
  const at = current.syncPrior.indexOf(result.changeId);
  const prior = at < 0 ? [...current.syncPrior] : current.syncPrior.slice(at + 1);
  if (record.rev < current.syncRev) {
    // Older than the base the edit already has (an answer that arrived late): keep the base.
    return { counter: 'rebased', doc: { ...current, syncPrior: prior } };
  }
  if (record.deleted || record.data === null) {
    if (current.localDeleted) {
      // Deleted on both sides: nothing is left to push.
      return { counter: 'applied', doc: { ...current, _deleted: true } };
    }
    // A write based on a tombstone's revision brings the record back: all fields are the user's.
    return {
      counter: 'rebased',
      doc: { ...current, syncRev: record.rev, syncBase: null, syncPrior: prior },
    };
  }
  const server = pickFields(spec, record.data);
  if (current.localDeleted && !sameFields(spec, current, server)) {
    // A deletion made while the push was in flight deletes what the user saw then. The server's
    // version holds something else (another device's edit merged in): moving the deletion onto
    // it would delete that edit unseen. It stays on its old base, so the server answers with a
    // conflict and the user decides.
    return { counter: 'rebased', doc: { ...current, syncPrior: prior } };
  }
  return {
    counter: 'rebased',
    doc: {
      id: current.id,
      ...rebasedFields(spec, current, current.syncBase, server),
      ...metaOf(current),
      syncRev: record.rev,
      syncBase: server,
      syncPrior: prior,
    },
  };
}

function sameFields(
  spec: TableSpec,
  a: Readonly<Record<string, unknown>>,
  b: Readonly<Record<string, unknown>>,
): boolean {
  return Object.keys(spec.fields).every((field) => sameValue(a[field], b[field]));
}

/**
 * The local version moved onto `server`: the fields the user changed since `base` keep the
 * local value, the others take the server's. No base (a create, or a base never kept): every
 * local field is the user's.
 */
export function rebasedFields(
  spec: TableSpec,
  local: Readonly<Record<string, unknown>>,
  base: Readonly<Record<string, unknown>> | null,
  server: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const merged: Record<string, unknown> = {};
  for (const field of Object.keys(spec.fields)) {
    const changed = base === null || !sameValue(local[field], base[field]);
    merged[field] = changed ? local[field] : server[field];
  }
  return pickFields(spec, merged);
}
