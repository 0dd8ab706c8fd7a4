/**
 * Dead letters: local changes the push gave up on (a conflict, or rejections up to the attempt
 * limit), listed for people to resolve, and the four ways to resolve one.
 *
 * Each resolution is ONE incremental write of the record, decided inside the modifier: RxDB
 * serialises it with a push result, a pull write or a user edit of the same record, so the check
 * "is this still a dead letter, and of this kind?" and the write can't be torn apart.
 *
 * "Keep mine", "Use server's" and "Discard" act on the server's version as it is when the user
 * acts (rule 6, docs/protocol.md): the caller fetches it (`current`, null when the server never
 * had the record) and passes it in. The copy kept at push time (`syncConflict`) is only for
 * display: pulls skip a dead letter, so it may be stale by now.
 */
import { combineLatest, map, of, type Observable } from 'rxjs';

import type { ServerRecord } from '../../../../contract/protocol';
import type { TableName, TableSpec } from '../../../../contract/tables';
import type { LocalDbHandle } from './local-database';
import { NEVER_PUSHED_REV, type SyncDoc } from './local-schemas';
import type { ChangeStamp } from './local-writes';
import { rebasedFields, type StoredDoc } from './push-results';
import { metaOf, pickFields, syncedDoc, toPlainRecord, type PlainRecord } from './sync-records';

export type DeadLetterReason = 'conflict' | 'rejected';

/** One parked change, with everything needed to decide what to do with it. */
export interface DeadLetter {
  readonly table: TableName;
  readonly id: string;
  readonly reason: DeadLetterReason;
  /** The server's reason for a rejection or a conflict. */
  readonly error: string;
  /** For conflicts: the fields both sides changed to different values ([] for delete/edit). */
  readonly fields: readonly string[];
  readonly attempts: number;
  /** The local version (id and fields); for a local deletion, the fields it had. */
  readonly local: PlainRecord;
  /** The parked change deletes the record. */
  readonly localDeleted: boolean;
  /** Server revision the local change is based on; null if the server never had the record. */
  readonly baseRev: number | null;
  /** When the parked change was made (epoch ms). */
  readonly changedAt: number;
  /** For conflicts: the server's version when the push conflicted (resolutions fetch anew). */
  readonly server: ServerRecord | null;
}

/**
 * What a resolution left behind. `pending`: a new change waits for the next push. `synced`: the
 * record is the server's version. `removed`: gone locally (the server doesn't have it either).
 */
export type ResolutionResult = 'pending' | 'synced' | 'removed';

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

/**
 * The server version a resolution was given is older than one a pull already passed over while
 * the user decided (the fetch raced a pull): acting on it would leave the record behind the
 * server with nothing pending to catch up. Fetch again and retry.
 */
export class OutdatedServerVersionError extends Error {
  override readonly name = 'OutdatedServerVersionError';

  constructor(
    readonly table: TableName,
    readonly id: string,
    readonly seenRev: number,
  ) {
    super(`"${table}" record "${id}": a pull has seen revision ${seenRev} since the fetch.`);
  }
}

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
    fields: [...doc.syncConflictFields],
    attempts: doc.syncAttempts,
    local: toPlainRecord(spec, doc),
    localDeleted: doc.localDeleted,
    baseRev: doc.syncRev === NEVER_PUSHED_REV ? null : doc.syncRev,
    changedAt: doc.syncChangedAt,
    server: doc.syncConflict,
  };
}

type Decision = { readonly next: StoredDoc; readonly result: ResolutionResult };

/**
 * Runs `decide` as one incremental write of the record. The modifier may run again on a newer
 * state after a write conflict; the last run's result is the one returned. `server`, the
 * version a resolution acts on, must be at least as new as any a pull has passed over: a pull
 * writing `syncSeenRev` between the fetch and this write makes that write conflict, and the
 * modifier's run on the newer state throws.
 */
async function resolve(
  handle: LocalDbHandle,
  spec: TableSpec,
  id: string,
  expected: DeadLetterReason | 'any',
  decide: (current: StoredDoc) => Decision,
  server?: ServerRecord | null,
): Promise<Decision> {
  const doc = await handle.anyTable(spec.name).findOne(id).exec();
  if (!doc) throw new DeadLetterNotFoundError(spec.name, id, expected);
  let decision: Decision | undefined;
  await doc.incrementalModify((current: StoredDoc) => {
    const kind: DeadLetterReason = current.syncConflict ? 'conflict' : 'rejected';
    // Resolved meanwhile (another tab, or a second click): refuse rather than act twice.
    if (current._deleted || !current.syncDeadLetter || (expected !== 'any' && kind !== expected)) {
      throw new DeadLetterNotFoundError(spec.name, id, expected);
    }
    if (server !== undefined && (server?.rev ?? 0) < current.syncSeenRev) {
      throw new OutdatedServerVersionError(spec.name, id, current.syncSeenRev);
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
    deleted: result === 'pending' ? next.localDeleted : result === 'removed',
  };
}

/** The record as the server's current version (none, or a tombstone: removed). */
function adoptServer(spec: TableSpec, current: StoredDoc, server: ServerRecord | null): Decision {
  if (!server || server.deleted || server.data === null) {
    return { next: { ...current, _deleted: true }, result: 'removed' };
  }
  return { next: { ...syncedDoc(spec, server), _deleted: false }, result: 'synced' };
}

/** The local change sent again as a new change: nothing of the dead letter's bookkeeping kept. */
function repushed(current: StoredDoc, stamp: ChangeStamp): StoredDoc {
  return {
    ...current,
    syncPending: true,
    syncChangeId: stamp.changeId,
    syncChangedAt: stamp.changedAt,
    syncAttempts: 0,
    syncError: '',
    syncDeadLetter: false,
    syncConflict: null,
    syncConflictFields: [],
    syncSeenRev: 0,
  };
}

/**
 * The local version moved onto the server's `current` version and sent again: the fields the
 * user changed (since the old base) keep the user's value, the others take the server's, and
 * the base becomes `current`. Every earlier change of this record is in `current` if it was ever
 * applied, so none is named as a prior any more.
 */
function rebasedOnCurrent(
  spec: TableSpec,
  doc: StoredDoc,
  current: ServerRecord | null,
  stamp: ChangeStamp,
): StoredDoc {
  const live = current && !current.deleted && current.data !== null ? current : null;
  const server = live ? pickFields(spec, live.data ?? {}) : null;
  const fields = doc.localDeleted
    ? pickFields(spec, doc)
    : rebasedFields(spec, doc, server && !doc.syncStale ? doc.syncBase : null, server ?? {});
  return {
    id: doc.id,
    ...fields,
    ...metaOf(repushed(doc, stamp)),
    // No server version: a create again. A tombstone: a write based on it brings it back.
    syncRev: current ? current.rev : NEVER_PUSHED_REV,
    syncBase: server,
    syncPrior: [],
    syncPriorData: [],
    // Based on a version of the server's current epoch now.
    syncStale: false,
  };
}

/** Conflict: send the local version again, re-based on the server's current version. */
export async function keepLocalVersion(
  handle: LocalDbHandle,
  spec: TableSpec,
  id: string,
  current: ServerRecord | null,
  stamp: ChangeStamp,
): Promise<DeadLetterResolution> {
  const decision = await resolve(
    handle,
    spec,
    id,
    'conflict',
    (doc): Decision => {
      // A deletion of a record the server doesn't have (any more): both sides agree it is gone.
      if (doc.localDeleted && (!current || current.deleted)) {
        return { next: { ...doc, _deleted: true }, result: 'removed' };
      }
      return { next: rebasedOnCurrent(spec, doc, current, stamp), result: 'pending' };
    },
    current,
  );
  return resolution(spec, id, decision);
}

/** Conflict: replace the local version with the server's current one. */
export async function useServerVersion(
  handle: LocalDbHandle,
  spec: TableSpec,
  id: string,
  current: ServerRecord | null,
): Promise<DeadLetterResolution> {
  return adoptCurrent(handle, spec, id, 'conflict', current);
}

/** Rejection: try the same version again as a new change, with a fresh attempt count. */
export async function retryRejected(
  handle: LocalDbHandle,
  spec: TableSpec,
  id: string,
  stamp: ChangeStamp,
): Promise<DeadLetterResolution> {
  const decision = await resolve(handle, spec, id, 'rejected', (doc) => ({
    next: repushed(doc, stamp),
    result: 'pending',
  }));
  return resolution(spec, id, decision);
}

/**
 * Drops the local change: the record becomes the server's current version, or is removed when
 * the server doesn't have it (never had it, or deleted it). Nothing is left for a later pull to
 * restore, so no checkpoint is touched.
 */
export async function discardLocalChange(
  handle: LocalDbHandle,
  spec: TableSpec,
  id: string,
  current: ServerRecord | null,
): Promise<DeadLetterResolution> {
  return adoptCurrent(handle, spec, id, 'any', current);
}

/** "Use server's" and "Discard": the dead letter becomes `current` (or goes, if it has none). */
async function adoptCurrent(
  handle: LocalDbHandle,
  spec: TableSpec,
  id: string,
  expected: DeadLetterReason | 'any',
  current: ServerRecord | null,
): Promise<DeadLetterResolution> {
  const adopt = (doc: StoredDoc) => adoptServer(spec, doc, current);
  return resolution(spec, id, await resolve(handle, spec, id, expected, adopt, current));
}
