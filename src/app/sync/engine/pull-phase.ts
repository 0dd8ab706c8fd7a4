import {
  concat,
  concatMap,
  EMPTY,
  expand,
  filter,
  forkJoin,
  from,
  map,
  type Observable,
  of,
  toArray,
} from 'rxjs';
import type { Checkpoint, PullTableResult } from '../../../../contract/protocol';
import type { TableName, TableSpec } from '../../../../contract/tables';
import type { PhaseProgress, RunContext } from '../core';
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
 * An initial run pulls only its tables, shows totals from the manifest, and marks a table
 * complete once its last page is committed. A master-data run first resets the master tables'
 * checkpoints, so they are pulled again from the start.
 */
export function pullPhase(deps: PullPhaseDeps, run: RunContext): Observable<PhaseProgress> {
  const tables = tablesOf(deps.registry, run);
  if (tables.length === 0) return EMPTY;
  return prepare(deps, run, tables).pipe(
    concatMap((prepared) => {
      // Tables an earlier attempt completed are reported as done, not pulled again.
      const finished = prepared.filter((cursor) => cursor.complete).map(progressOf);
      const cursors: TableCursor[] = prepared.filter((cursor) => !cursor.complete);
      const page = () => pullPage(deps, run, cursors);
      // One value per page (its progress list), so expand asks for exactly one next page.
      const pages$ =
        cursors.length === 0
          ? EMPTY
          : page().pipe(
              expand(() => (cursors.length > 0 ? page() : EMPTY)),
              concatMap((progress) => from(progress)),
            );
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

/** One request for every table still open; writes each table's page; drops finished tables. */
function pullPage(
  deps: PullPhaseDeps,
  run: RunContext,
  cursors: TableCursor[],
): Observable<PhaseProgress[]> {
  const request = {
    tables: cursors.map(({ table, checkpoint }) => ({ table, checkpoint })),
    limit: deps.pageSize,
  };
  return deps.transport.pull(request).pipe(
    concatMap((response) => from(response.tables)),
    // concatMap: pages are written in the order the server sent them, one at a time.
    concatMap((result) => writeTablePage(deps, run, cursors, result)),
    toArray(),
  );
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
