/**
 * What one push result does to a stored record: pure functions of (record, result), so an
 * incremental write can run them again on a newer state after a write conflict.
 */
import type { PushResult, ServerRecord } from '../../../../contract/protocol';
import type { TableSpec } from '../../../../contract/tables';
import type { SyncDoc } from './local-schemas';
import {
  answeredPrior,
  hasLocalChanges,
  mergeBase,
  metaOf,
  pickFields,
  sameValue,
  syncedDoc,
  type PriorChanges,
} from './sync-records';

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
      // Settled meanwhile (resolved, or its answer already applied): a duplicate answer that an
      // overlapping run brought back late says nothing about the record as it is now.
      if (!sameChange && !hasLocalChanges(current)) return { counter: 'ignored', doc: current };
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
          ...withoutPrior(current, result.changeId),
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
 * Applied, but the user edited the record again while the push was in flight. The edit stays
 * pending, moved onto the version the server wrote, so the next push is not a false conflict:
 * every field the user didn't change since the acknowledged change takes the server's value
 * (which may hold another device's merged edit), the user's later changes are kept.
 *
 * "Changed since the acknowledged change" is measured against what that change sent (kept in
 * `syncPriorData` when the newer edit superseded it), not against the server's version: that
 * one may hold another device's value for a field the user changed again without ever seeing
 * it. Such a field is a clash, exactly as the server's merge would find it, so the record
 * becomes a conflict to resolve instead of silently overwriting the other device's value.
 */
function rebased(
  spec: TableSpec,
  current: StoredDoc,
  result: Extract<PushResult, { status: 'applied' }>,
): PushOutcome {
  const record = result.record;
  const at = current.syncPrior.indexOf(result.changeId);
  // What the device saw right after the acknowledged change; unknown (an old document, or
  // dropped past the cap): its base, which is conservative (a clash, never a lost edit). A
  // synced record (a late duplicate answer) is its own base.
  const seen = at >= 0 ? (current.syncPriorData[at] ?? null) : mergeBase(spec, current);
  const prior = answeredPrior(current, result.changeId);
  if (record.rev < current.syncRev) {
    // Older than the base the edit already has (an answer that arrived late): keep the base.
    return { counter: 'rebased', doc: { ...current, ...prior } };
  }
  if (record.deleted || record.data === null) {
    if (current.localDeleted) {
      // Deleted on both sides: nothing is left to push.
      return { counter: 'applied', doc: { ...current, _deleted: true } };
    }
    // A write based on a tombstone's revision brings the record back: all fields are the user's.
    return {
      counter: 'rebased',
      doc: { ...current, ...prior, syncRev: record.rev, syncBase: null },
    };
  }
  const server = pickFields(spec, record.data);
  if (current.localDeleted) {
    if (!sameFields(spec, seen ?? current, server)) {
      // The server's version holds something the deleting user never saw (another device's
      // edit merged in): moving the deletion onto it would delete that edit unseen. It stays
      // on its old base, so the server answers with a conflict and the user decides.
      return { counter: 'rebased', doc: { ...current, ...prior } };
    }
    return {
      counter: 'rebased',
      doc: { ...current, ...prior, syncRev: record.rev, syncBase: server },
    };
  }
  const { fields, clashes } = rebasedOnto(spec, current, seen, server);
  if (clashes.length > 0) {
    return {
      counter: 'conflicts',
      doc: {
        ...current,
        ...prior,
        syncRev: record.rev,
        // "Keep mine" keeps what the user changed since their own acknowledged change.
        syncBase: seen,
        syncDeadLetter: true,
        syncConflict: record,
        syncConflictFields: clashes,
        syncError: `changed on another device while yours was being sent: ${clashes.join(', ')}`,
      },
    };
  }
  return {
    counter: 'rebased',
    doc: {
      id: current.id,
      ...fields,
      ...metaOf(current),
      ...prior,
      syncRev: record.rev,
      syncBase: server,
    },
  };
}

/**
 * The local version moved onto `server`, field by field against `seen` (what the device had
 * sent): untouched since → the server's value; changed since, where the server still has the
 * seen value (or already the local one) → the local value; changed on both → a clash. No
 * `seen` (a create): every local field is the user's.
 */
function rebasedOnto(
  spec: TableSpec,
  local: Readonly<Record<string, unknown>>,
  seen: Readonly<Record<string, unknown>> | null,
  server: Readonly<Record<string, unknown>>,
): { fields: Record<string, unknown>; clashes: string[] } {
  const merged: Record<string, unknown> = {};
  const clashes: string[] = [];
  for (const field of Object.keys(spec.fields)) {
    const [l, v, s] = [local[field], seen?.[field], server[field]];
    if (seen !== null && sameValue(l, v)) merged[field] = s;
    else if (seen === null || sameValue(s, v) || sameValue(s, l)) merged[field] = l;
    else clashes.push(field);
  }
  return { fields: pickFields(spec, merged), clashes };
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

/** The prior changes without `changeId` (a conflict proves it was never applied). */
function withoutPrior(current: Readonly<PriorChanges>, changeId: string): PriorChanges {
  const keep = current.syncPrior.map((id) => id !== changeId);
  return {
    syncPrior: current.syncPrior.filter((_, i) => keep[i]),
    syncPriorData: current.syncPriorData.filter((_, i) => keep[i]),
  };
}
