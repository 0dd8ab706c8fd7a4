/**
 * Epochs and resyncs (rule 8, docs/protocol.md). The server's `epoch` changes when its data is
 * replaced (a restore from a backup): revisions and checkpoints of another epoch mean nothing.
 * A client that sees a new epoch resyncs:
 *
 * 1. records the resync (meta: target epoch, stage `start`) BEFORE touching anything, so a crash
 *    anywhere after is continued by the next run;
 * 2. marks every local record stale and resets every checkpoint (fenced: generation bump), then
 *    moves the record to stage `pull` (a crash before that does step 2 again: nothing was pulled
 *    yet, so marking everything stale again loses nothing);
 * 3. pulls everything; the pull writer replaces a stale record whatever the revisions, and turns
 *    a stale record with local changes into a conflict with the pulled version;
 * 4. at the end settles what no page brought (the server no longer has it): removes it, makes
 *    its local edit a conflict against a deletion, or keeps its local deletion to be pushed;
 *    stores the epoch and clears the record. Each step of 4 can run again after a crash with the same result.
 *
 * No step touches `initialComplete`: a resync never reopens the initial-sync gate.
 */
import type { ServerRecord } from '../../../../contract/protocol';
import type { TableSpec } from '../../../../contract/tables';
import { idsWhere, rewriteEach, type StoredDocData } from './bulk-rewrite';
import { clearCheckpoints } from './checkpoint-store';
import type { LocalDbHandle } from './local-database';
import { NEVER_PUSHED_REV } from './local-schemas';
import { hasLocalChanges, sameValue } from './sync-records';

export interface ResyncRecord {
  /** The epoch being resynced to; null until the first answer after a 409 names it. */
  readonly target: string | null;
  readonly stage: 'start' | 'pull';
}

export interface EpochState {
  /** The epoch this user's local data belongs to; null before the first pull. */
  readonly epoch: string | null;
  /** A resync in progress (possibly interrupted by a crash), or null. */
  readonly resync: ResyncRecord | null;
}

/** What the end of a resync did with the records no page brought. */
export interface ResyncCounts {
  removed: number;
  conflicts: number;
  kept: number;
}

/** The conflict a stale record with local changes becomes; shown as the dead letter's error. */
export const RESYNC_CONFLICT_REASON =
  "The server's data was replaced (restored from a backup) after this change was made: " +
  'check it against the server version.';

/** What "the server no longer has it" looks like to a conflict: a deletion. */
export function goneRecord(id: string): ServerRecord {
  return { id, rev: 0, deleted: true, data: null, updatedAt: 0 };
}

const epochKey = (userId: string) => `epoch|${userId}`;
const resyncKey = (userId: string) => `resync|${userId}`;

export async function readEpochState(handle: LocalDbHandle, userId: string): Promise<EpochState> {
  const [epoch, resync] = await Promise.all([
    handle.meta.findOne(epochKey(userId)).exec(),
    handle.meta.findOne(resyncKey(userId)).exec(),
  ]);
  return {
    epoch: epoch ? epoch.value : null,
    resync: resync ? (JSON.parse(resync.value) as ResyncRecord) : null,
  };
}

export async function saveEpoch(handle: LocalDbHandle, userId: string, epoch: string) {
  await handle.meta.upsert({ key: epochKey(userId), value: epoch });
}

async function saveResync(handle: LocalDbHandle, userId: string, record: ResyncRecord) {
  await handle.meta.upsert({ key: resyncKey(userId), value: JSON.stringify(record) });
}

/** Steps 1 and 2: record the resync, mark every record stale, reset every checkpoint. */
export async function startResync(
  handle: LocalDbHandle,
  userId: string,
  target: string | null,
  now: number,
): Promise<void> {
  await saveResync(handle, userId, { target, stage: 'start' });
  for (const spec of handle.tables) {
    const collection = handle.anyTable(spec.name);
    await rewriteEach(collection, await idsWhere(collection, { syncStale: false }), (doc) => ({
      kind: 'marked',
      // Revisions of the old epoch say nothing about the new one.
      document: { ...doc, syncStale: true, syncSeenRev: 0 },
    }));
  }
  await clearCheckpoints(
    handle.checkpoints,
    userId,
    handle.tables.map((spec) => spec.name),
    now,
  );
  await saveResync(handle, userId, { target, stage: 'pull' });
}

/** The first answer after a 409 names the epoch the resync is heading for. */
export async function setResyncTarget(handle: LocalDbHandle, userId: string, target: string) {
  await saveResync(handle, userId, { target, stage: 'pull' });
}

/** Step 4: settle the records still stale after pulling everything; store the epoch. */
export async function finishResync(
  handle: LocalDbHandle,
  userId: string,
  epoch: string,
): Promise<ResyncCounts> {
  const counts: ResyncCounts = { removed: 0, conflicts: 0, kept: 0 };
  for (const spec of handle.tables) {
    const collection = handle.anyTable(spec.name);
    const ids = await idsWhere(collection, { syncStale: true });
    const done = await rewriteEach(collection, ids, (doc) => settleGone(spec, doc));
    counts.removed += done.removed ?? 0;
    counts.conflicts += done.conflicts ?? 0;
    counts.kept += done.kept ?? 0;
  }
  await saveEpoch(handle, userId, epoch);
  await handle.meta.findOne(resyncKey(userId)).remove();
  return counts;
}

type Settled = { kind: 'removed' | 'conflicts' | 'kept'; document: StoredDocData } | null;

/** A stale record no page of the resync brought: the server of the new epoch doesn't have it. */
function settleGone(spec: TableSpec, doc: StoredDocData): Settled {
  if (!doc.syncStale) return null; // settled meanwhile (pulled, or resolved)
  if (doc.syncRev === NEVER_PUSHED_REV) {
    // A creation the server never saw: still to be pushed, now to the new epoch.
    return { kind: 'kept', document: { ...doc, syncStale: false } };
  }
  if (!hasLocalChanges(doc)) {
    // Gone on the server, and nothing to tell it.
    return { kind: 'removed', document: { ...doc, _deleted: true } };
  }
  if (doc.localDeleted) {
    // Gone on the server, but another device may still send it again: a creation whose answer
    // was lost before the restore is pushed anew (seed 2806). Only a tombstone turns that into
    // a conflict instead of bringing back what this user deleted, so the deletion is pushed,
    // as a deletion of a record this device never saw in the new epoch: no base revision, so
    // if the record exists by the time it arrives, it is a conflict, never a silent delete.
    const deletion = { ...doc, syncStale: false, syncRev: NEVER_PUSHED_REV, syncBase: null };
    return { kind: 'kept', document: deletion };
  }
  return { kind: 'conflicts', document: staleConflict(spec, doc, goneRecord(doc.id)) };
}

/**
 * A stale record with local changes against the server's version of the new epoch: a conflict
 * to review. Its revision belongs to the old epoch, so it is never pushed as it is. Its base
 * goes too: the fields an old-epoch server had say nothing about what the user changed against
 * the new one (the restore may have lost a change this device pushed long ago), so "Keep mine"
 * keeps the whole local version.
 */
export function staleConflict<T extends StoredDocData>(
  spec: TableSpec,
  doc: T,
  server: ServerRecord,
): T {
  return {
    ...doc,
    syncStale: false,
    syncBase: null,
    syncDeadLetter: true,
    syncConflict: server,
    syncConflictFields: differingFields(spec, doc, server),
    syncSeenRev: server.rev,
    syncError: RESYNC_CONFLICT_REASON,
  };
}

/** Declared fields whose local value differs from the server's ([] against a deletion). */
function differingFields(
  spec: TableSpec,
  local: Readonly<Record<string, unknown>>,
  server: ServerRecord,
): string[] {
  const data = server.data;
  if (server.deleted || data === null) return [];
  return Object.keys(spec.fields).filter((field) => !sameValue(local[field], data[field]));
}
