/**
 * The page loop of the pull phase: every table of the round in ONE request per page, each with
 * its own checkpoint, until no table has more. Each table's page is written in bulk and its
 * checkpoint saved with it (fenced by the generation read when the pull started: rule 7), so an
 * interrupted pull resumes where it stopped and a reset is never overwritten.
 *
 * Page n+1 is requested as soon as page n has arrived (and its epoch checked), while page n is
 * being written: its checkpoints are in page n's response, so the network time hides behind the
 * writes (the initial sync is bound by the local database, see docs/performance.md). Only the
 * request runs ahead: page n+1 is written, and its checkpoints saved, after page n's. A failed
 * prefetch fails the phase only once page n is committed, so the saved checkpoints are as far as
 * they can be.
 */
import {
  concatMap,
  defer,
  EMPTY,
  expand,
  filter,
  finalize,
  from,
  map,
  type Observable,
  of,
  ReplaySubject,
  type Subscription,
  take,
  toArray,
} from 'rxjs';
import type {
  Checkpoint,
  PullRequest,
  PullResponse,
  PullTableResult,
} from '../../../../contract/protocol';
import type { TableName } from '../../../../contract/tables';
import type { PhaseProgress, RunContext } from '../core';
import type { PullPhaseDeps } from './pull-phase';

export interface TableCursor {
  readonly table: TableName;
  checkpoint: Checkpoint;
  /** The table's checkpoint generation when this pull started. */
  readonly generation: number;
  done: number;
  readonly total?: number;
}

export interface PageLoop {
  readonly deps: PullPhaseDeps;
  readonly run: RunContext;
  /** Tables still being pulled; finished and fenced ones are removed. */
  readonly cursors: TableCursor[];
  /** Checks a response's epoch before anything of it is used; errors to stop the loop. */
  readonly checkEpoch: (epoch: string | undefined) => Observable<unknown>;
  /** Tables whose checkpoints were reset while they were pulled: stopped, not finished. */
  readonly fenced: Set<TableName>;
}

/**
 * Every page until no table has more. The next request goes out when a response arrives,
 * before that page is written.
 */
export function pullPages(loop: PageLoop): Observable<PhaseProgress> {
  let ahead: Prefetch<PullResponse> | null = null;
  const fetch = (request: PullRequest | null) => {
    ahead = request ? prefetch(loop.deps.transport.pull(request)) : null;
  };
  // One value per page (its progress list), so expand asks for exactly one next page.
  const page = (): Observable<PhaseProgress[]> => {
    const current = ahead;
    if (!current) return EMPTY;
    return current.response$.pipe(
      concatMap((response) =>
        loop.checkEpoch(response.epoch).pipe(
          concatMap(() => {
            fetch(nextRequest(loop, response));
            return writePage(loop, response);
          }),
        ),
      ),
    );
  };
  return defer(() => {
    fetch(requestOf(loop, loop.cursors));
    return page();
  }).pipe(
    expand(() => page()),
    concatMap((progress) => from(progress)),
    // An unsubscribed run (watchdog, logout, failure) leaves no request running ahead.
    finalize(() => ahead?.cancel()),
  );
}

function requestOf(loop: PageLoop, cursors: readonly TableCursor[]): PullRequest {
  return {
    tables: cursors.map(({ table, checkpoint }) => ({ table, checkpoint })),
    limit: loop.deps.pageSize,
  };
}

/**
 * The request after `response`, as the cursors will be once its pages are written: tables
 * without more records dropped, the others at their new checkpoints. Null when none is left.
 */
function nextRequest(loop: PageLoop, response: PullResponse): PullRequest | null {
  const open: TableCursor[] = [];
  for (const cursor of loop.cursors) {
    const result = response.tables.find((candidate) => candidate.table === cursor.table);
    if (result && !result.hasMore) continue;
    open.push({ ...cursor, checkpoint: result ? result.checkpoint : cursor.checkpoint });
  }
  return open.length > 0 ? requestOf(loop, open) : null;
}

/** Writes each table's page of one response; drops finished tables from the cursors. */
function writePage(loop: PageLoop, response: PullResponse): Observable<PhaseProgress[]> {
  return from(response.tables).pipe(
    // concatMap: pages are written in the order the server sent them, one at a time.
    concatMap((result) => writeTablePage(loop, result)),
    toArray(),
  );
}

function writeTablePage(loop: PageLoop, result: PullTableResult): Observable<PhaseProgress> {
  const { deps, run, cursors } = loop;
  // A table this run did not ask for, or one a reset stopped: nothing to write.
  const cursor = cursors.find((candidate) => candidate.table === result.table);
  if (!cursor) return EMPTY;
  const write$: Observable<boolean> =
    result.records.length > 0 || result.checkpoint !== cursor.checkpoint
      ? deps.store
          .applyPulledBatch(
            deps.userId,
            result.table,
            result.records,
            result.checkpoint,
            cursor.generation,
          )
          .pipe(map((written) => written.checkpointSaved))
      : of(true);
  return write$.pipe(
    concatMap((saved) => {
      if (!saved) {
        // Reset while we pulled it: our cursor is void. Stop this table without saving; the
        // next run pulls it from where the reset left it.
        cursors.splice(cursors.indexOf(cursor), 1);
        loop.fenced.add(cursor.table);
        return EMPTY;
      }
      cursor.checkpoint = result.checkpoint;
      cursor.done += result.records.length;
      if (result.hasMore) return of(undefined);
      cursors.splice(cursors.indexOf(cursor), 1);
      // Complete only once its last page is committed: a crash before this resumes the table.
      return run.kind === 'initial' && run.initialTables.includes(result.table)
        ? deps.store.markInitialComplete(deps.userId, result.table)
        : of(undefined);
    }),
    // Progress is news only when records came, or when an initial table may just have finished
    // (a table with no records still completes, and the dialog counts it).
    filter(() => result.records.length > 0 || run.kind === 'initial'),
    map(() => progressOf(cursor)),
  );
}

export function progressOf(cursor: TableCursor): PhaseProgress {
  const done = cursor.total === undefined ? cursor.done : Math.min(cursor.done, cursor.total);
  return { phase: 'pull', table: cursor.table, done, total: cursor.total };
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
