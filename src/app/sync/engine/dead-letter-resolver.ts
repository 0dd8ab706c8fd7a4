/**
 * The entry point of dead-letter resolutions (rule 6, docs/protocol.md): "Keep mine", "Use
 * server's" and "Discard" fetch the record's current version from the server at the moment the
 * user acts (`POST /api/sync/records`), then hand it to the store, which decides and writes in
 * one step. The copy kept when the push conflicted is never used: pulls skip a dead letter, so
 * it may be stale by now. Without the server (offline, timeout, an error) nothing changes and the
 * resolution errors with a message for people. "Retry" needs no server version.
 */
import { Injectable, inject } from '@angular/core';
import {
  catchError,
  concatMap,
  defer,
  forkJoin,
  map,
  of,
  retry,
  throwError,
  type Observable,
} from 'rxjs';

import type { ServerRecord } from '../../../../contract/protocol';
import type { TableName } from '../../../../contract/tables';
import { SyncError } from '../core';
import {
  OutdatedServerVersionError,
  SyncStore,
  type DeadLetterResolution,
  type EpochState,
} from '../local';
import { SYNC_API, type SyncApi } from '../transport/sync-transport';

/** The four ways out of a dead letter, as the user names them. */
export type DeadLetterChoice = 'keepMine' | 'useServer' | 'retry' | 'discard';

/** The server's current version could not be fetched (or is of another epoch): nothing changed. */
export class ResolutionUnavailableError extends Error {
  override readonly name = 'ResolutionUnavailableError';

  constructor(
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}

export interface ResolverDeps {
  readonly store: SyncStore;
  readonly api: SyncApi;
}

/** Resolves one dead letter; framework-free, so the simulation calls it with its own server. */
export function resolveDeadLetter(
  deps: ResolverDeps,
  choice: DeadLetterChoice,
  table: TableName,
  id: string,
): Observable<DeadLetterResolution> {
  const { store } = deps;
  switch (choice) {
    case 'retry':
      return store.retryDeadLetter(table, id);
    case 'keepMine':
      return withCurrent(deps, table, id, (current) => store.keepLocalVersion(table, id, current));
    case 'useServer':
      return withCurrent(deps, table, id, (current) => store.useServerVersion(table, id, current));
    case 'discard':
      return withCurrent(deps, table, id, (current) =>
        store.discardLocalChange(table, id, current),
      );
  }
}

/**
 * Fetches again when the version fetched turns out older than one a pull passed over meanwhile;
 * each retry is a new fetch after that pull, so one normally suffices.
 */
const OUTDATED_FETCH_RETRIES = 3;

/** Fetches the record's current version (null: the server never had it), then `resolve`s. */
function withCurrent(
  { store, api }: ResolverDeps,
  table: TableName,
  id: string,
  resolve: (current: ServerRecord | null) => Observable<DeadLetterResolution>,
): Observable<DeadLetterResolution> {
  const fetched$ = defer(() => api.records({ table, ids: [id] })).pipe(
    catchError((error: unknown) => throwError(() => unavailable(error))),
  );
  const epoch$ = store
    .owner()
    .pipe(concatMap((owner) => (owner ? store.epochState(owner) : of<EpochState | null>(null))));
  return forkJoin({ fetched: fetched$, state: epoch$ }).pipe(
    map(({ fetched, state }) => {
      if (!sameEpoch(state, fetched.epoch)) {
        throw new ResolutionUnavailableError(
          "The server's data was replaced since this device last synced: sync first, then " +
            'decide again.',
        );
      }
      return fetched.records.find((record) => record.id === id) ?? null;
    }),
    concatMap(resolve),
    retry({
      count: OUTDATED_FETCH_RETRIES,
      delay: (error: unknown) =>
        error instanceof OutdatedServerVersionError ? of(null) : throwError(() => error),
    }),
    catchError((error: unknown) =>
      throwError(() =>
        error instanceof OutdatedServerVersionError
          ? new ResolutionUnavailableError(
              'Nothing was changed: the server version kept changing while this was decided. ' +
                'Try again.',
              error,
            )
          : error,
      ),
    ),
  );
}

/**
 * The fetched version means something to the local data only in the epoch it belongs to (or
 * the one a resync is heading for). Nothing stored yet: nothing to compare with.
 */
function sameEpoch(state: EpochState | null, epoch: string | undefined): boolean {
  if (!state || epoch === undefined) return true;
  const local = state.resync ? state.resync.target : state.epoch;
  return local === null || local === epoch;
}

function unavailable(error: unknown): ResolutionUnavailableError {
  const kind = error instanceof SyncError ? error.kind : 'unknown';
  const why =
    kind === 'offline'
      ? 'the server cannot be reached (offline?)'
      : kind === 'timeout'
        ? 'the server did not answer in time'
        : `the server refused (${error instanceof Error ? error.message : String(error)})`;
  return new ResolutionUnavailableError(
    `Nothing was changed: deciding needs the server's current version, and ${why}. ` +
      'Try again when connected.',
    error,
  );
}

/** The app's resolver: the store and the sync API from DI. */
@Injectable({ providedIn: 'root' })
export class DeadLetterResolver {
  private readonly deps: ResolverDeps = { store: inject(SyncStore), api: inject(SYNC_API) };

  resolve(
    choice: DeadLetterChoice,
    table: TableName,
    id: string,
  ): Observable<DeadLetterResolution> {
    return resolveDeadLetter(this.deps, choice, table, id);
  }
}
