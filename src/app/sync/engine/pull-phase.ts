import {
  catchError,
  concat,
  concatMap,
  defer,
  EMPTY,
  expand,
  filter,
  finalize,
  forkJoin,
  from,
  map,
  type Observable,
  of,
  ReplaySubject,
  type Subscription,
  take,
  throwError,
  toArray,
} from 'rxjs';
import type {
  Checkpoint,
  PullRequest,
  PullResponse,
  PullTableResult,
} from '../../../../contract/protocol';
import type { TableName, TableSpec } from '../../../../contract/tables';
import { SyncError, type PhaseProgress, type RunContext } from '../core';
import type { SyncStore } from '../local';
import type { SyncApi } from '../transport/sync-transport';

export interface PullPhaseDeps {
  readonly store: SyncStore;
  readonly transport: SyncApi;
  readonly registry: readonly TableSpec[];
  readonly userId: string;
  readonly pageSize: number;
}

interface TableCursor {
  readonly table: TableName;
  checkpoint: Checkpoint;
  done: number;
  readonly total?: number;
}

/**
 * The pull phase: every table of the run in ONE request per round, each with its own
 * checkpoint, until no table has more. Each table's page is written in bulk and its checkpoint
 * saved with it, so an interrupted pull resumes where it stopped. The store never overwrites a
 * record with unpushed local changes (checked atomically with the write).
 *
 * Page n+1 is requested as soon as page n has arrived, while page n is being written: its
 * checkpoints are in page n's response, so the network time hides behind the writes (the
 * initial sync is bound by the local database, see docs/performance.md). Only the request runs
 * ahead: page n+1 is written, and its checkpoints saved, after page n's. A failed prefetch fails
 * the phase only once page n is committed, so the saved checkpoints are as far as they can be.
 *
 * An initial run pulls only its tables, shows totals from the manifest, and marks a table
 * complete once its last page is committed. A master-data run first resets the master tables'
 * checkpoints, so they are pulled again from the start.
 */
export function pullPhase(deps: PullPhaseDeps, run: RunContext): Observable<PhaseProgress> {
  return pullFromCheckpoints(deps, run).pipe(
    catchError((error: unknown) => {
      if (!isStaleCheckpoint(error)) return throwError(() => error);
      // The server's data was reset: our checkpoints point past its revisions. Start the run's
      // tables over from the beginning, once (a second 409 fails the run: something else is
      // wrong). Unpushed local changes are safe: the pull never overwrites them.
      return deps.store
        .resetCheckpoints(deps.userId, tablesOf(deps.registry, run))
        .pipe(concatMap(() => pullFromCheckpoints(deps, run)));
    }),
  );
}

/** See docs/protocol.md, "Stale checkpoint": the only 409 a pull answers. */
function isStaleCheckpoint(error: unknown): boolean {
  return error instanceof SyncError && error.kind === 'http' && error.status === 409;
}

function pullFromCheckpoints(deps: PullPhaseDeps, run: RunContext): Observable<PhaseProgress> {
  const tables = tablesOf(deps.registry, run);
  if (tables.length === 0) return EMPTY;
  return prepare(deps, run, tables).pipe(
    concatMap((prepared) => {
      // Tables an earlier attempt completed are reported as done, not pulled again.
      const finished = prepared.filter((cursor) => cursor.complete).map(progressOf);
      const cursors: TableCursor[] = prepared.filter((cursor) => !cursor.complete);
      const pages$ = cursors.length === 0 ? EMPTY : pullPages(deps, run, cursors);
      return concat(from(finished), pages$);
    }),
  );
}

function tablesOf(registry: readonly TableSpec[], run: RunContext): TableName[] {
  if (run.kind === 'initial') {
    return registry
      .filter((spec) => run.initialTables.includes(spec.name))
      .map((spec) => spec.name);
  }
  return registry.map((spec) => spec.name);
}

/** Resets master tables if asked, then reads every table's checkpoint (and, initially, totals). */
function prepare(
  deps: PullPhaseDeps,
  run: RunContext,
  tables: TableName[],
): Observable<(TableCursor & { complete: boolean })[]> {
  const masterTables = deps.registry.filter((spec) => spec.kind === 'master').map((s) => s.name);
  const reset$ = run.masterData
    ? deps.store.resetCheckpoints(deps.userId, masterTables)
    : of(undefined);
  // Totals cost a request: only the initial sync, whose dialog shows them, asks for them.
  const totals$ =
    run.kind === 'initial'
      ? deps.transport.manifest().pipe(map((m) => new Map(m.tables.map((t) => [t.name, t.count]))))
      : of(new Map<TableName, number>());
  // A resumed initial sync does not ask again for tables an earlier attempt completed.
  const completed$ =
    run.kind === 'initial' ? deps.store.completedInitialTables(deps.userId) : of([] as TableName[]);
  return reset$.pipe(
    concatMap(() => forkJoin({ totals: totals$, completed: completed$ })),
    concatMap(({ totals, completed }) =>
      from(tables).pipe(
        concatMap((table) =>
          forkJoin({
            checkpoint: deps.store.checkpoint(deps.userId, table),
            // Resumed initial syncs count what earlier attempts already brought.
            done: run.kind === 'initial' ? deps.store.count(table) : of(0),
          }).pipe(
            map(({ checkpoint, done }): TableCursor & { complete: boolean } => ({
              table,
              checkpoint,
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

/**
 * Every page until no table has more: one request for every table still open per page, each
 * page written table by table, finished tables dropped. The next request goes out when a
 * response arrives, before that page is written (see pullPhase).
 */
function pullPages(
  deps: PullPhaseDeps,
  run: RunContext,
  cursors: TableCursor[],
): Observable<PhaseProgress> {
  let ahead: Prefetch<PullResponse> | null = null;
  const fetch = (request: PullRequest | null) => {
    ahead = request ? prefetch(deps.transport.pull(request)) : null;
  };
  // One value per page (its progress list), so expand asks for exactly one next page.
  const page = (): Observable<PhaseProgress[]> => {
    const current = ahead;
    if (!current) return EMPTY;
    return current.response$.pipe(
      concatMap((response) => {
        fetch(nextRequest(deps, cursors, response));
        return writePage(deps, run, cursors, response);
      }),
    );
  };
  return defer(() => {
    fetch(requestOf(deps, cursors));
    return page();
  }).pipe(
    expand(() => page()),
    concatMap((progress) => from(progress)),
    // An unsubscribed run (watchdog, logout, failure) leaves no request running ahead.
    finalize(() => ahead?.cancel()),
  );
}

function requestOf(deps: PullPhaseDeps, cursors: readonly TableCursor[]): PullRequest {
  return {
    tables: cursors.map(({ table, checkpoint }) => ({ table, checkpoint })),
    limit: deps.pageSize,
  };
}

/**
 * The request after `response`, as the cursors will be once its pages are written: tables
 * without more records dropped, the others at their new checkpoints. Null when none is left.
 */
function nextRequest(
  deps: PullPhaseDeps,
  cursors: readonly TableCursor[],
  response: PullResponse,
): PullRequest | null {
  const open: TableCursor[] = [];
  for (const cursor of cursors) {
    const result = response.tables.find((candidate) => candidate.table === cursor.table);
    if (result && !result.hasMore) continue;
    open.push({ ...cursor, checkpoint: result ? result.checkpoint : cursor.checkpoint });
  }
  return open.length > 0 ? requestOf(deps, open) : null;
}

/** Writes each table's page of one response; drops finished tables from `cursors`. */
function writePage(
  deps: PullPhaseDeps,
  run: RunContext,
  cursors: TableCursor[],
  response: PullResponse,
): Observable<PhaseProgress[]> {
  return from(response.tables).pipe(
    // concatMap: pages are written in the order the server sent them, one at a time.
    concatMap((result) => writeTablePage(deps, run, cursors, result)),
    toArray(),
  );
}

interface Prefetch<T> {
  /** The one response (or error), whenever it is subscribed: before or after it arrived. */
  readonly response$: Observable<T>;
  cancel(): void;
}

/**
 * Starts `request$` now and keeps its answer until it is asked for. An error is kept too and
 * only raised then, so a failed prefetch never interrupts the write of the page before it.
 */
function prefetch<T>(request$: Observable<T>): Prefetch<T> {
  const answer = new ReplaySubject<T>(1);
  const subscription: Subscription = request$.pipe(take(1)).subscribe(answer);
  return { response$: answer.pipe(take(1)), cancel: () => subscription.unsubscribe() };
}

function writeTablePage(
  deps: PullPhaseDeps,
  run: RunContext,
  cursors: TableCursor[],
  result: PullTableResult,
): Observable<PhaseProgress> {
  const cursor = cursors.find((candidate) => candidate.table === result.table);
  if (!cursor) return EMPTY; // a table this run did not ask for: nothing to write
  const write$: Observable<unknown> =
    result.records.length > 0 || result.checkpoint !== cursor.checkpoint
      ? deps.store.applyPulledBatch(deps.userId, result.table, result.records, result.checkpoint)
      : of(null);
  return write$.pipe(
    concatMap(() => {
      cursor.checkpoint = result.checkpoint;
      cursor.done += result.records.length;
      if (result.hasMore) return of(undefined);
      cursors.splice(cursors.indexOf(cursor), 1);
      // Complete only once its last page is committed: a crash before this resumes the table.
      return run.kind === 'initial'
        ? deps.store.markInitialComplete(deps.userId, result.table)
        : of(undefined);
    }),
    // Progress is news only when records came, or when an initial table may just have finished
    // (a table with no records still completes, and the dialog counts it).
    filter(() => result.records.length > 0 || run.kind === 'initial'),
    map(() => progressOf(cursor)),
  );
}

function progressOf(cursor: TableCursor): PhaseProgress {
  const done = cursor.total === undefined ? cursor.done : Math.min(cursor.done, cursor.total);
  return { phase: 'pull', table: cursor.table, done, total: cursor.total };
}
