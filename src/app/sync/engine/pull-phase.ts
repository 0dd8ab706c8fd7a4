import {
  catchError,
  concat,
  concatMap,
  defer,
  EMPTY,
  forkJoin,
  from,
  ignoreElements,
  map,
  type Observable,
  of,
  throwError,
  toArray,
} from 'rxjs';
import type { TableName, TableSpec } from '../../../../contract/tables';
import { SyncError, type PhaseProgress, type RunContext } from '../core';
import type { EpochState, SyncStore } from '../local';
import type { SyncApi } from '../transport/sync-transport';
import { progressOf, pullPages, type TableCursor } from './pull-pages';

export interface PullPhaseDeps {
  readonly store: SyncStore;
  readonly transport: SyncApi;
  readonly registry: readonly TableSpec[];
  readonly userId: string;
  readonly pageSize: number;
}

/** A pull response from an epoch other than the one the local data belongs to. */
export class EpochChangedError extends Error {
  override readonly name = 'EpochChangedError';

  constructor(readonly epoch: string) {
    super(`The server's epoch is now "${epoch}": its data was replaced`);
  }
}

/**
 * The pull phase: every table of the run, page by page (pull-pages.ts), guarded by the server's
 * epoch (rule 8, docs/protocol.md; the resync's steps are in sync/local/resync-store.ts).
 *
 * - Every run first reads this user's epoch state: a resync recorded by an earlier run (which
 *   a crash or a failure interrupted) is continued, whatever the run asked for.
 * - Every response's epoch is checked before anything of it is used. None stored yet: it is
 *   stored. Another one (or a 409 stale checkpoint, which says the same without naming the
 *   epoch): a resync starts (at most once per run; a second one fails the run, and the next
 *   run continues from the record), and everything is pulled from the start.
 * - A resync ends only when every table was pulled to its end in this run; then what no page
 *   brought is settled and the epoch stored.
 *
 * An initial run pulls only its tables (unless resyncing), shows totals from the manifest, and
 * marks a table complete once its last page is committed. A master-data run first resets the
 * master tables' checkpoints (fenced), so they are pulled again from the start. Neither a reset
 * nor a resync clears a table's "initially synced" mark: the gate never reopens.
 */
export function pullPhase(deps: PullPhaseDeps, run: RunContext): Observable<PhaseProgress> {
  return defer(() => {
    let resyncStarted = false;
    const attempt = (state: EpochState): Observable<PhaseProgress> =>
      continueStart(deps, state).pipe(
        concatMap((ready) => pullOnce(deps, run, ready)),
        catchError((error: unknown) => {
          const target = resyncTargetOf(error);
          if (target === undefined || resyncStarted) return throwError(() => error);
          resyncStarted = true;
          return deps.store
            .startResync(deps.userId, target)
            .pipe(
              concatMap(() => attempt({ epoch: state.epoch, resync: { target, stage: 'pull' } })),
            );
        }),
      );
    return deps.store.epochState(deps.userId).pipe(concatMap(attempt));
  });
}

/** The epoch to resync to for this error (null: not known yet), or undefined for no resync. */
function resyncTargetOf(error: unknown): string | null | undefined {
  if (error instanceof EpochChangedError) return error.epoch;
  // docs/protocol.md, "Stale checkpoint": the only 409 a pull answers; the server was reset.
  if (error instanceof SyncError && error.kind === 'http' && error.status === 409) return null;
  return undefined;
}

/** A resync a crash interrupted before everything was marked stale starts that step again. */
function continueStart(deps: PullPhaseDeps, state: EpochState): Observable<EpochState> {
  const resync = state.resync;
  if (resync?.stage !== 'start') return of(state);
  return deps.store
    .startResync(deps.userId, resync.target)
    .pipe(map((): EpochState => ({ ...state, resync: { ...resync, stage: 'pull' } })));
}

function pullOnce(deps: PullPhaseDeps, run: RunContext, state: EpochState) {
  const resyncing = state.resync !== null;
  const guard = epochGuard(deps, state);
  const tables = resyncing ? deps.registry.map((spec) => spec.name) : tablesOf(deps.registry, run);
  if (tables.length === 0) return EMPTY;
  return prepare(deps, run, tables, resyncing).pipe(
    concatMap((prepared) => {
      // Tables an earlier attempt completed are reported as done, not pulled again.
      const finished = prepared.filter((cursor) => cursor.complete).map(progressOf);
      const cursors: TableCursor[] = prepared.filter((cursor) => !cursor.complete);
      const fenced = new Set<TableName>();
      const pages$ =
        cursors.length === 0
          ? EMPTY
          : pullPages({ deps, run, cursors, checkEpoch: guard.check, fenced });
      const finish$ = defer(() => {
        const target = guard.accepted();
        // Every table pulled to its end in this run, and the epoch known: the resync is done.
        return resyncing && fenced.size === 0 && target !== null
          ? deps.store.finishResync(deps.userId, target)
          : EMPTY;
      }).pipe(ignoreElements());
      return concat(from(finished), pages$, finish$);
    }),
  );
}

/** The epoch the responses must have; the first one names it when none is known. */
function epochGuard(deps: PullPhaseDeps, state: EpochState) {
  let accepted = state.resync ? state.resync.target : state.epoch;
  return {
    accepted: () => accepted,
    check: (epoch: string | undefined): Observable<unknown> => {
      // A server that names no epoch can't be checked (an older build): accept it.
      if (epoch === undefined || epoch === accepted) return of(null);
      if (accepted === null) {
        accepted = epoch;
        return state.resync
          ? deps.store.setResyncTarget(deps.userId, epoch)
          : deps.store.saveEpoch(deps.userId, epoch);
      }
      return throwError(() => new EpochChangedError(epoch));
    },
  };
}

function tablesOf(registry: readonly TableSpec[], run: RunContext): TableName[] {
  if (run.kind === 'initial') {
    return registry
      .filter((spec) => run.initialTables.includes(spec.name))
      .map((spec) => spec.name);
  }
  return registry.map((spec) => spec.name);
}

/**
 * Resets master tables if asked (a resync reset everything already), then reads every table's
 * pull position (and, initially, totals and what an earlier attempt completed).
 */
function prepare(
  deps: PullPhaseDeps,
  run: RunContext,
  tables: TableName[],
  resyncing: boolean,
): Observable<(TableCursor & { complete: boolean })[]> {
  const masterTables = deps.registry.filter((spec) => spec.kind === 'master').map((s) => s.name);
  const reset$ =
    run.masterData && !resyncing
      ? deps.store.resetCheckpoints(deps.userId, masterTables)
      : of(undefined);
  // Totals cost a request: only the initial sync, whose dialog shows them, asks for them.
  const totals$ =
    run.kind === 'initial'
      ? deps.transport.manifest().pipe(map((m) => new Map(m.tables.map((t) => [t.name, t.count]))))
      : of(new Map<TableName, number>());
  // A resumed initial sync does not ask again for tables an earlier attempt completed; a
  // resync pulls every table, completed or not.
  const completed$ =
    run.kind === 'initial' && !resyncing
      ? deps.store.completedInitialTables(deps.userId)
      : of([] as TableName[]);
  return reset$.pipe(
    concatMap(() => forkJoin({ totals: totals$, completed: completed$ })),
    concatMap(({ totals, completed }) =>
      from(tables).pipe(
        concatMap((table) =>
          forkJoin({
            position: deps.store.pullPosition(deps.userId, table),
            // Resumed initial syncs count what earlier attempts already brought.
            done: run.kind === 'initial' ? deps.store.count(table) : of(0),
          }).pipe(
            map(({ position, done }): TableCursor & { complete: boolean } => ({
              table,
              checkpoint: position.checkpoint,
              generation: position.generation,
              done,
              total: totals.get(table),
              complete: completed.includes(table),
            })),
          ),
        ),
        toArray(),
      ),
    ),
  );
}
