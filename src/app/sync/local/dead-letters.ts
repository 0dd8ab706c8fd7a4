/**
 * Dead letters: local changes the push gave up on (a conflict, or rejections up to the attempt
 * limit), listed for people to resolve, and the four ways to resolve one.
 *
 * Each resolution is ONE incremental write of the record, decided inside the modifier: RxDB
 * serialises it with a push result, a pull write or a user edit of the same record, so the check
 * "is this still a dead letter, and of this kind?" and the write can't be torn apart.
 *
 * Discard needs care. The pull is incremental (per-table checkpoints), so a record removed
 * locally would NOT come back with the next pull: the server version is older than the
 * checkpoint. So:
 * - a record the server never had (syncRev -1) is removed: there is nothing to restore;
 * - a conflict carries the server's version: discarding the local change adopts it, exactly as
 *   "Use server's" does (a server tombstone removes the record);
 * - a rejected change of a record the server has holds no copy of the server's version, so the
 *   record is removed and that table's pull checkpoint reset (not its "initially synced" mark,
 *   which would reopen the initial-sync gate): the next pull walks the table again, writes only
 *   what is missing or newer, and so restores the record. Costs one re-pull of that table.
 */
import { combineLatest, map, of, type Observable } from 'rxjs';

import type { ServerRecord } from '../../../../contract/protocol';
import type { TableName, TableSpec } from '../../../../contract/tables';
import type { LocalDbHandle } from './local-database';
import { NEVER_PUSHED_REV, type SyncDoc } from './local-schemas';
import type { ChangeStamp } from './local-writes';
import { pickFields, syncedMeta, toPlainRecord, type PlainRecord } from './sync-records';

export type DeadLetterReason = 'conflict' | 'rejected';

/** One parked change, with everything needed to decide what to do with it. */
export interface DeadLetter {
  readonly table: TableName;
  readonly id: string;
  readonly reason: DeadLetterReason;
  /** The server's reason for a rejection; 'conflict' for a conflict. */
  readonly error: string;
  readonly attempts: number;
  /** The local version (id and fields); for a local deletion, the fields it had. */
  readonly local: PlainRecord;
  /** The parked change deletes the record. */
  readonly localDeleted: boolean;
  /** Server revision the local change is based on; null if the server never had the record. */
  readonly baseRev: number | null;
  /** When the parked change was made (epoch ms). */
  readonly changedAt: number;
  /** For conflicts: the server's version the change was not based on. */
  readonly server: ServerRecord | null;
}

/**
 * What a resolution left behind. `pending`: a new change waits for the next push. `synced`: the
 * record is the server's version. `removed`: gone locally, nothing to restore. `refetch`: gone
 * locally and the table's checkpoint reset, so the next pull restores the server's version.
 */
export type ResolutionResult = 'pending' | 'synced' | 'removed' | 'refetch';

export interface DeadLetterResolution {
  readonly table: TableName;
  readonly id: string;
  readonly result: ResolutionResult;
  /** The new change to push when `pending`, else ''. */
  readonly changeId: string;
  readonly deleted: boolean;
}

/** The record is not (or no longer) a dead letter of the kind the action needs. */
export class DeadLetterNotFoundError extends Error {
  override readonly name = 'DeadLetterNotFoundError';

  constructor(
    readonly table: TableName,
    readonly id: string,
    readonly expected: DeadLetterReason | 'any',
  ) {
    super(
      expected === 'any'
        ? `"${table}" record "${id}" is not a dead letter (any more).`
        : `"${table}" record "${id}" is not a ${expected} dead letter (any more).`,
    );
  }
}

type StoredDoc = SyncDoc & { _deleted: boolean };

/** Dead letters of every transactional table, oldest change first, live. */
export function watchDeadLetters(handle: LocalDbHandle): Observable<DeadLetter[]> {
  const tables = handle.tables.filter((spec) => spec.kind === 'transactional');
  if (tables.length === 0) return of([]);
  const perTable = tables.map((spec) =>
    handle
      .anyTable(spec.name)
      .find({ selector: { syncDeadLetter: true }, sort: [{ id: 'asc' }] })
      .$.pipe(map((docs) => docs.map((doc) => toDeadLetter(spec, doc.toJSON() as SyncDoc)))),
  );
  return combineLatest(perTable).pipe(
    map((lists) => lists.flat().sort((a, b) => a.changedAt - b.changedAt)),
  );
}

function toDeadLetter(spec: TableSpec, doc: SyncDoc): DeadLetter {
  return {
    table: spec.name,
    id: doc.id,
    reason: doc.syncConflict ? 'conflict' : 'rejected',
    error: doc.syncError,
    attempts: doc.syncAttempts,
    local: toPlainRecord(spec, doc),
    localDeleted: doc.localDeleted,
    baseRev: doc.syncRev === NEVER_PUSHED_REV ? null : doc.syncRev,
    changedAt: doc.syncChangedAt,
    server: doc.syncConflict,
  };
}

/** A decision taken on the record's latest state; `refetch` also needs a checkpoint reset. */
type Decision = { readonly next: StoredDoc; readonly result: ResolutionResult };

/**
 * Runs `decide` as one incremental write of the record. The modifier may run again on a newer
 * state after a write conflict; the last run's result is the one returned.
 */
async function resolve(
  handle: LocalDbHandle,
  spec: TableSpec,
  id: string,
  expected: DeadLetterReason | 'any',
  decide: (current: StoredDoc) => Decision,
): Promise<Decision> {
  const doc = await handle.anyTable(spec.name).findOne(id).exec();
  if (!doc) throw new DeadLetterNotFoundError(spec.name, id, expected);
  let decision: Decision | undefined;
  await doc.incrementalModify((current) => {
    const kind: DeadLetterReason = current.syncConflict ? 'conflict' : 'rejected';
    // Resolved meanwhile (another tab, or a second click): refuse rather than act twice.
    if (!current.syncDeadLetter || (expected !== 'any' && kind !== expected)) {
      throw new DeadLetterNotFoundError(spec.name, id, expected);
    }
    decision = decide(current);
    return decision.next;
  });
  return decision as Decision;
}

function resolution(spec: TableSpec, id: string, { next, result }: Decision): DeadLetterResolution {
  return {
    table: spec.name,
    id,
    result,
    changeId: result === 'pending' ? next.syncChangeId : '',
    deleted: result === 'pending' ? next.localDeleted : result !== 'synced',
  };
}

/** The record as the server's version `server` (a tombstone removes it). */
function adoptServer(spec: TableSpec, current: StoredDoc, server: ServerRecord): Decision {
  if (server.deleted || server.data === null) {
    return { next: { ...current, _deleted: true }, result: 'removed' };
  }
  const next: StoredDoc = {
    id: current.id,
    ...pickFields(spec, server.data),
    ...syncedMeta(server.rev),
    _deleted: false,
  };
  return { next, result: 'synced' };
}

/** The local version as a new change: nothing of the dead letter's bookkeeping is kept. */
function repushed(current: StoredDoc, baseRev: number, stamp: ChangeStamp): Decision {
  return {
    next: {
      ...current,
      syncPending: true,
      syncRev: baseRev,
      syncChangeId: stamp.changeId,
      syncChangedAt: stamp.changedAt,
      syncAttempts: 0,
      syncError: '',
      syncDeadLetter: false,
      syncConflict: null,
    },
    result: 'pending',
  };
}

/** Conflict: push the local version again, now based on the server's revision. */
export async function keepLocalVersion(
  handle: LocalDbHandle,
  spec: TableSpec,
  id: string,
  stamp: ChangeStamp,
): Promise<DeadLetterResolution> {
  const decision = await resolve(handle, spec, id, 'conflict', (current) => {
    const server = current.syncConflict as ServerRecord;
    // Both sides deleted it: they agree, there is nothing left to push.
    if (current.localDeleted && server.deleted) {
      return { next: { ...current, _deleted: true }, result: 'removed' };
    }
    return repushed(current, server.rev, stamp);
  });
  return resolution(spec, id, decision);
}

/** Conflict: replace the local version with the server's. */
export async function useServerVersion(
  handle: LocalDbHandle,
  spec: TableSpec,
  id: string,
): Promise<DeadLetterResolution> {
  const decision = await resolve(handle, spec, id, 'conflict', (current) =>
    adoptServer(spec, current, current.syncConflict as ServerRecord),
  );
  return resolution(spec, id, decision);
}

/** Rejection: try the same version again as a new change, with a fresh attempt count. */
export async function retryRejected(
  handle: LocalDbHandle,
  spec: TableSpec,
  id: string,
  stamp: ChangeStamp,
): Promise<DeadLetterResolution> {
  const decision = await resolve(handle, spec, id, 'rejected', (current) =>
    repushed(current, current.syncRev, stamp),
  );
  return resolution(spec, id, decision);
}

/**
 * Drops the local change (see the file comment for why a `refetch` result needs the table's
 * checkpoint reset; the caller does that, after this write).
 */
export async function discardLocalChange(
  handle: LocalDbHandle,
  spec: TableSpec,
  id: string,
): Promise<DeadLetterResolution> {
  const decision = await resolve(handle, spec, id, 'any', (current): Decision => {
    if (current.syncConflict) return adoptServer(spec, current, current.syncConflict);
    const removed = { ...current, _deleted: true };
    return current.syncRev === NEVER_PUSHED_REV
      ? { next: removed, result: 'removed' }
      : { next: removed, result: 'refetch' };
  });
  return resolution(spec, id, decision);
}
