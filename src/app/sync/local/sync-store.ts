/**
 * The repository the sync engine and the features use; the only door to the sync collections.
 *
 * One-shot operations return cold Observables that emit once and complete: nothing runs until
 * subscribed (so the engine composes them with concatMap/retry and tests can keep them out of
 * virtual time), and every subscription runs the operation again. Continuous reads return live
 * Observables of RxDB queries. RxDB's Promises stay behind `defer()`.
 */
import { Injectable, inject, signal, type Signal } from '@angular/core';
import type { MangoQuery } from 'rxdb';
import {
  Subject,
  combineLatest,
  defer,
  map,
  of,
  shareReplay,
  switchMap,
  type Observable,
} from 'rxjs';

import type {
  Checkpoint,
  PushChange,
  PushResult,
  ServerRecord,
} from '../../../../contract/protocol';
import type { TableName, TableRecordMap, TableSpec } from '../../../../contract/tables';
import {
  clearCheckpoints,
  patchCheckpoint,
  readCheckpoint,
  readCompletedTables,
  readOwner,
  takeOwnership,
} from './checkpoint-store';
import * as deadLetters from './dead-letters';
import type { DeadLetter, DeadLetterResolution } from './dead-letters';
import { LocalDatabase, type LocalDbHandle } from './local-database';
import { CHANGE_ID_FACTORY, LOCAL_CLOCK, SYNC_STORE_CONFIG } from './local-db.tokens';
import { LocalWriteBlockedError, ReadOnlyTableError } from './local-write.errors';
import {
  deleteLocalRecord,
  upsertLocalRecord,
  type ChangeStamp,
  type LocalWrite,
} from './local-writes';
import { writePulledRecords, type PullWriteCounts } from './pull-writer';
import { readPendingChanges, writePushResults, type PushResultCounts } from './push-store';
import type { SyncDoc } from './local-schemas';
import { toPlainRecord, type PlainRecord } from './sync-records';

/** A query of `watchTable()`; local deletions are always left out. */
export type TableQuery<T extends TableName> = Pick<
  MangoQuery<SyncDoc<TableRecordMap[T]>>,
  'selector' | 'sort' | 'limit' | 'skip'
>;

@Injectable({ providedIn: 'root' })
export class SyncStore {
  private readonly database = inject(LocalDatabase);
  private readonly config = inject(SYNC_STORE_CONFIG);
  private readonly clock = inject(LOCAL_CLOCK);
  private readonly newChangeId = inject(CHANGE_ID_FACTORY);
  private readonly blocked = signal(false);
  private readonly writes = new Subject<LocalWrite>();

  /** True while the initial-sync gate holds local writes back. */
  readonly writesBlocked: Signal<boolean> = this.blocked.asReadonly();

  /** One event per committed local write: the engine's "push soon" trigger. */
  readonly localWrites$: Observable<LocalWrite> = this.writes.asObservable();

  /** Pending changes the next push would send (dead letters excluded), live. */
  readonly pendingCount$: Observable<number> = this.countAcrossTransactional({
    syncPending: true,
    syncDeadLetter: false,
  });

  /** Changes parked until someone resolves them, live. */
  readonly deadLetterCount$: Observable<number> = this.countAcrossTransactional({
    syncDeadLetter: true,
  });

  blockWrites(): void {
    this.blocked.set(true);
  }

  allowWrites(): void {
    this.blocked.set(false);
  }

  // --- features ---------------------------------------------------------------------------------

  /** Creates or replaces a record as a new pending change. Errors with LocalWriteBlockedError. */
  upsertLocal<T extends TableName>(table: T, record: TableRecordMap[T]): Observable<LocalWrite> {
    return this.localWrite(table, (handle, spec, stamp) =>
      upsertLocalRecord(handle.anyTable(table), spec, record as unknown as PlainRecord, stamp),
    );
  }

  /** Deletes a record locally; the deletion is pushed, then the record is removed for real. */
  deleteLocal(table: TableName, id: string): Observable<LocalWrite> {
    return this.localWrite(table, (handle, spec, stamp) =>
      deleteLocalRecord(handle.anyTable(table), spec, id, stamp),
    );
  }

  /** The table's records without metadata and without local deletions, live. */
  watchTable<T extends TableName>(
    table: T,
    query: TableQuery<T> = {},
  ): Observable<TableRecordMap[T][]> {
    return this.withHandle((handle) => {
      const spec = specOf(handle, table);
      const collection = handle.anyTable(table);
      const selector = { ...(query.selector ?? {}), localDeleted: false };
      return collection
        .find({ ...query, selector } as MangoQuery<SyncDoc>)
        .$.pipe(
          map((docs) =>
            docs.map((doc) => toPlainRecord(spec, doc) as unknown as TableRecordMap[T]),
          ),
        );
    });
  }

  /** Records of a table, local deletions excluded (one-shot). */
  count(table: TableName): Observable<number> {
    return this.run((handle) =>
      handle
        .anyTable(table)
        .count({ selector: { localDeleted: false } })
        .exec(),
    );
  }

  // --- dead letters -----------------------------------------------------------------------------

  /** Parked changes of every transactional table, oldest first, live. */
  watchDeadLetters(): Observable<DeadLetter[]> {
    return this.withHandle((handle) => deadLetters.watchDeadLetters(handle));
  }

  /** Conflict: push the local version again, based on the server's revision. */
  keepLocalVersion(table: TableName, id: string): Observable<DeadLetterResolution> {
    return this.resolveDeadLetter(table, (handle, spec, stamp) =>
      deadLetters.keepLocalVersion(handle, spec, id, stamp),
    );
  }

  /** Conflict: replace the local version with the server's (nothing to push). */
  useServerVersion(table: TableName, id: string): Observable<DeadLetterResolution> {
    return this.resolveDeadLetter(table, (handle, spec) =>
      deadLetters.useServerVersion(handle, spec, id),
    );
  }

  /** Rejection: send the same version again as a new change, attempts back to 0. */
  retryDeadLetter(table: TableName, id: string): Observable<DeadLetterResolution> {
    return this.resolveDeadLetter(table, (handle, spec, stamp) =>
      deadLetters.retryRejected(handle, spec, id, stamp),
    );
  }

  /**
   * Drops the local change. A record the server has comes back as the server's version: at once
   * for a conflict, with the next pull otherwise (its table's checkpoint is reset for that).
   */
  discardLocalChange(table: TableName, id: string): Observable<DeadLetterResolution> {
    return this.resolveDeadLetter(table, async (handle, spec) => {
      const done = await deadLetters.discardLocalChange(handle, spec, id);
      const owner = done.result === 'refetch' ? await readOwner(handle) : null;
      // Only the pull position: the table stays initially synced, so the gate stays closed.
      if (owner)
        await patchCheckpoint(handle.checkpoints, owner, table, { checkpoint: null }, this.clock());
      return done;
    });
  }

  // --- push -------------------------------------------------------------------------------------

  pendingChanges(limit: number): Observable<PushChange[]> {
    return this.run((handle) => readPendingChanges(handle, limit));
  }

  applyPushResults(results: readonly PushResult[]): Observable<PushResultCounts> {
    return this.run((handle) => writePushResults(handle, results, this.config.maxAttempts));
  }

  // --- pull -------------------------------------------------------------------------------------

  /**
   * Writes one pulled page, then saves the table's checkpoint. Saved after the records on
   * purpose: a crash in between pulls the page again, and writing it twice changes nothing.
   */
  applyPulledBatch(
    userId: string,
    table: TableName,
    records: readonly ServerRecord[],
    checkpoint: Checkpoint,
  ): Observable<PullWriteCounts> {
    return this.run(async (handle) => {
      const counts = await writePulledRecords(
        handle.anyTable(table),
        specOf(handle, table),
        records,
      );
      await patchCheckpoint(handle.checkpoints, userId, table, { checkpoint }, this.clock());
      return counts;
    });
  }

  checkpoint(userId: string, table: TableName): Observable<Checkpoint> {
    return this.run((handle) => readCheckpoint(handle.checkpoints, userId, table));
  }

  setCheckpoint(userId: string, table: TableName, checkpoint: Checkpoint): Observable<void> {
    return this.run((handle) =>
      patchCheckpoint(handle.checkpoints, userId, table, { checkpoint }, this.clock()),
    );
  }

  completedInitialTables(userId: string): Observable<TableName[]> {
    return this.run((handle) => readCompletedTables(handle.checkpoints, userId));
  }

  markInitialComplete(userId: string, table: TableName): Observable<void> {
    return this.run((handle) =>
      patchCheckpoint(handle.checkpoints, userId, table, { initialComplete: true }, this.clock()),
    );
  }

  /** Pull these tables from the start again (e.g. a master-data re-sync); records are kept. */
  resetCheckpoints(userId: string, tables: readonly TableName[]): Observable<void> {
    return this.run((handle) => clearCheckpoints(handle.checkpoints, userId, tables, this.clock()));
  }

  // --- ownership --------------------------------------------------------------------------------

  /**
   * Run before anything local is shown: if the data belongs to another user (or to nobody
   * recorded), wipes records, checkpoints and log, then records `userId` as the owner.
   * Emits whether it wiped.
   */
  ensureOwner(userId: string): Observable<boolean> {
    return this.run((handle) => takeOwnership(handle, userId));
  }

  owner(): Observable<string | null> {
    return this.run((handle) => readOwner(handle));
  }

  // --- helpers ----------------------------------------------------------------------------------

  private run<R>(operation: (handle: LocalDbHandle) => Promise<R>): Observable<R> {
    return defer(async () => operation(await this.database.open()));
  }

  private withHandle<R>(read: (handle: LocalDbHandle) => Observable<R>): Observable<R> {
    // switchMap: a read; the handle emits once, so there is never a previous inner to drop.
    return defer(() => this.database.open()).pipe(switchMap(read));
  }

  private localWrite(
    table: TableName,
    write: (
      handle: LocalDbHandle,
      spec: TableSpec,
      stamp: { changeId: string; changedAt: number },
    ) => Promise<LocalWrite>,
  ): Observable<LocalWrite> {
    return this.run(async (handle) => {
      const spec = specOf(handle, table);
      // Checked when the write runs (subscription time), not when it was described.
      if (spec.kind === 'master') throw new ReadOnlyTableError(table);
      if (this.blocked()) throw new LocalWriteBlockedError(table);
      const done = await write(handle, spec, {
        changeId: this.newChangeId(),
        changedAt: this.clock(),
      });
      this.writes.next(done);
      return done;
    });
  }

  /**
   * A dead-letter resolution is a local write: refused while the gate holds writes back, and
   * announced on `localWrites$` when the engine has work to do (a push, or a pull to restore).
   */
  private resolveDeadLetter(
    table: TableName,
    resolve: (
      handle: LocalDbHandle,
      spec: TableSpec,
      stamp: ChangeStamp,
    ) => Promise<DeadLetterResolution>,
  ): Observable<DeadLetterResolution> {
    return this.run(async (handle) => {
      const spec = specOf(handle, table);
      if (spec.kind === 'master') throw new ReadOnlyTableError(table);
      if (this.blocked()) throw new LocalWriteBlockedError(table);
      const done = await resolve(handle, spec, {
        changeId: this.newChangeId(),
        changedAt: this.clock(),
      });
      if (done.result === 'pending' || done.result === 'refetch') {
        this.writes.next({ table, id: done.id, changeId: done.changeId, deleted: done.deleted });
      }
      return done;
    });
  }

  private countAcrossTransactional(selector: Record<string, boolean>): Observable<number> {
    return this.withHandle((handle) => {
      const counts = handle.tables
        .filter((spec) => spec.kind === 'transactional')
        .map((spec) => handle.anyTable(spec.name).count({ selector }).$);
      return counts.length === 0
        ? of(0)
        : combineLatest(counts).pipe(map((each) => each.reduce((sum, n) => sum + n, 0)));
    }).pipe(shareReplay({ bufferSize: 1, refCount: true }));
  }
}

function specOf(handle: LocalDbHandle, table: TableName): TableSpec {
  const spec = handle.tables.find((candidate) => candidate.name === table);
  if (!spec) throw new Error(`"${table}" is not a sync table of the registry`);
  return spec;
}
