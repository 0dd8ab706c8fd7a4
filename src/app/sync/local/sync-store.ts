/**
 * The repository the sync engine and the features use; the only door to the sync collections.
 *
 * One-shot operations return cold Observables that emit once and complete: nothing runs until
 * subscribed (so the engine composes them with concatMap/retry and tests can keep them out of
 * virtual time), and every subscription runs the operation again. Continuous reads return live
 * Observables of RxDB queries. RxDB's Promises stay behind `defer()`. Nothing here touches a
 * browser global: the store runs in Node too (the simulation), given a storage.
 */
import { Injectable, inject, signal, type Signal } from '@angular/core';
import type { MangoQuery } from 'rxdb';
import { Subject, shareReplay, type Observable } from 'rxjs';

import type { PushChange, PushResult, ServerRecord } from '../../../../contract/protocol';
import type { TableName, TableRecordMap, TableSpec } from '../../../../contract/tables';
import { softDeleteReferencing } from './cascade';
import * as deadLetters from './dead-letters';
import type { DeadLetter, DeadLetterResolution } from './dead-letters';
import type { LocalDbHandle } from './local-database';
import { CHANGE_ID_FACTORY, SYNC_STORE_CONFIG } from './local-db.tokens';
import {
  countAcrossTransactional,
  watchPlainCount,
  watchPlainRecord,
  watchPlainRecords,
  watchPlainRecordsByIds,
  watchUnsyncedRecords,
  type UnsyncedRecord,
} from './local-reads';
import { LocalWriteBlockedError, ReadOnlyTableError } from './local-write.errors';
import * as writes from './local-writes';
import type { ChangeStamp, FieldPatch, LocalWrite } from './local-writes';
import type { SyncDoc } from './local-schemas';
import { readPendingChanges, writePushResults, type PushResultCounts } from './push-store';
import type { PlainRecord } from './sync-records';
import { SyncStoreBase, specOf } from './sync-store-base';

/** A query of `watchTable()`; local deletions are always left out. */
export type TableQuery<T extends TableName> = Pick<
  MangoQuery<SyncDoc<TableRecordMap[T]>>,
  'selector' | 'sort' | 'limit' | 'skip'
>;

/** The fields of a record of `T` to change: null or undefined removes an optional field. */
export type RecordPatch<T extends TableName> = {
  readonly [K in Exclude<keyof TableRecordMap[T], 'id'>]?: TableRecordMap[T][K] | null;
};

/**
 * The repository. Features: local writes and live reads. The engine: pending changes and push
 * results here, pulled pages, checkpoints and epochs in SyncStoreBase.
 */
@Injectable({ providedIn: 'root' })
export class SyncStore extends SyncStoreBase {
  private readonly config = inject(SYNC_STORE_CONFIG);
  private readonly newChangeId = inject(CHANGE_ID_FACTORY);
  private readonly blocked = signal(false);
  private readonly writes = new Subject<LocalWrite>();

  /** True while the initial-sync gate holds local writes back. */
  readonly writesBlocked: Signal<boolean> = this.blocked.asReadonly();

  /** One event per committed local write: the engine's "push soon" trigger. */
  readonly localWrites$: Observable<LocalWrite> = this.writes.asObservable();

  /** Pending changes the next push would send (dead letters excluded), live. */
  readonly pendingCount$: Observable<number> = this.countLive({
    syncPending: true,
    syncDeadLetter: false,
  });

  /** Changes parked until someone resolves them, live. */
  readonly deadLetterCount$: Observable<number> = this.countLive({ syncDeadLetter: true });

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
      writes.upsertLocalRecord(
        handle.anyTable(table),
        spec,
        record as unknown as PlainRecord,
        stamp,
      ),
    );
  }

  /**
   * Changes only the given fields of the current local version, as a new pending change.
   * Errors with LocalRecordNotFoundError when the record is absent or deleted locally.
   */
  patchLocal<T extends TableName>(
    table: T,
    id: string,
    patch: RecordPatch<T>,
  ): Observable<LocalWrite> {
    return this.localWrite(table, (handle, spec, stamp) =>
      writes.patchLocalRecord(handle.anyTable(table), spec, id, patch as FieldPatch, stamp),
    );
  }

  /**
   * Deletes a record locally (a soft delete, also for a record the server never acknowledged);
   * it is removed for real once the server applies the deletion.
   */
  deleteLocal(table: TableName, id: string): Observable<LocalWrite> {
    return this.localWrite(table, (handle, spec, stamp) =>
      writes.deleteLocalRecord(handle.anyTable(table), spec, id, stamp),
    );
  }

  /** The table's records without metadata and without local deletions, live. */
  watchTable<T extends TableName>(
    table: T,
    query: TableQuery<T> = {},
  ): Observable<TableRecordMap[T][]> {
    return this.withHandle(
      (handle) =>
        watchPlainRecords(handle, specOf(handle, table), query as TableQuery<TableName>) as never,
    );
  }

  /**
   * How many records match `selector` (local deletions excluded), live: with `watchTable`'s
   * `skip` and `limit`, what a paged list needs instead of the whole table.
   */
  watchCount<T extends TableName>(
    table: T,
    selector: TableQuery<T>['selector'] = {},
  ): Observable<number> {
    return this.withHandle((handle) =>
      watchPlainCount(handle, specOf(handle, table), selector as TableQuery<TableName>['selector']),
    );
  }

  /** The records with these ids (absent and locally deleted ones left out), live. */
  watchByIds<T extends TableName>(
    table: T,
    ids: readonly string[],
  ): Observable<TableRecordMap[T][]> {
    return this.withHandle(
      (handle) => watchPlainRecordsByIds(handle, specOf(handle, table), ids) as never,
    );
  }

  /** One record without metadata, live; null while absent or deleted locally. */
  watchRecord<T extends TableName>(table: T, id: string): Observable<TableRecordMap[T] | null> {
    return this.withHandle(
      (handle) => watchPlainRecord(handle, specOf(handle, table), id) as never,
    );
  }

  /**
   * The table's records with a change the server has not taken yet (pending or dead-lettered),
   * local deletions included, live: what a list marks as "pending" or "dead letter".
   */
  watchUnsynced<T extends TableName>(table: T): Observable<UnsyncedRecord<TableRecordMap[T]>[]> {
    return this.withHandle(
      (handle) => watchUnsyncedRecords(handle, specOf(handle, table)) as never,
    );
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

  // --- dead letters (the server's current version is fetched by the caller: rule 6) ------------

  /** Parked changes of every transactional table, oldest first, live. */
  watchDeadLetters(): Observable<DeadLetter[]> {
    return this.withHandle((handle) => deadLetters.watchDeadLetters(handle));
  }

  /**
   * Conflict: send the local version again, re-based on the server's `current` version. For a
   * deletion, the local live records that reference it are deleted too (rule 4).
   */
  keepLocalVersion(
    table: TableName,
    id: string,
    current: ServerRecord | null,
  ): Observable<DeadLetterResolution> {
    return this.resolveDeadLetter(table, async (handle, spec, stamp) => {
      const done = await deadLetters.keepLocalVersion(handle, spec, id, current, stamp());
      if (done.result === 'pending' && done.deleted) {
        const cascade = await softDeleteReferencing(handle, spec, id, stamp);
        cascade.forEach((write) => this.writes.next(write));
      }
      return done;
    });
  }

  /** Conflict: the record becomes the server's `current` version (removed if it has none). */
  useServerVersion(
    table: TableName,
    id: string,
    current: ServerRecord | null,
  ): Observable<DeadLetterResolution> {
    return this.resolveDeadLetter(table, (handle, spec) =>
      deadLetters.useServerVersion(handle, spec, id, current),
    );
  }

  /** Rejection: send the same version again as a new change, attempts back to 0. */
  retryDeadLetter(table: TableName, id: string): Observable<DeadLetterResolution> {
    return this.resolveDeadLetter(table, (handle, spec, stamp) =>
      deadLetters.retryRejected(handle, spec, id, stamp()),
    );
  }

  /** Drops the local change: the record becomes `current` (removed if the server has none). */
  discardLocalChange(
    table: TableName,
    id: string,
    current: ServerRecord | null,
  ): Observable<DeadLetterResolution> {
    return this.resolveDeadLetter(table, (handle, spec) =>
      deadLetters.discardLocalChange(handle, spec, id, current),
    );
  }

  // --- push -------------------------------------------------------------------------------------

  /** The next `limit` changes to push, in the order the server can apply them (rule 9). */
  pendingChanges(limit: number): Observable<PushChange[]> {
    return this.run((handle) => readPendingChanges(handle, limit));
  }

  applyPushResults(results: readonly PushResult[]): Observable<PushResultCounts> {
    return this.run((handle) => writePushResults(handle, results, this.config.maxAttempts));
  }

  // --- helpers ----------------------------------------------------------------------------------

  private readonly stamp = (): ChangeStamp => ({
    changeId: this.newChangeId(),
    changedAt: this.clock(),
  });

  /**
   * A local write, refused for master tables and while the gate holds writes back (checked when
   * the write runs, not when it was described), announced on `localWrites$` once committed.
   */
  private localWrite(
    table: TableName,
    write: (handle: LocalDbHandle, spec: TableSpec, stamp: ChangeStamp) => Promise<LocalWrite>,
  ): Observable<LocalWrite> {
    return this.run(async (handle) => {
      const spec = this.writableSpec(handle, table);
      const done = await write(handle, spec, this.stamp());
      this.writes.next(done);
      return done;
    });
  }

  /** A resolution is a local write too; announced when it leaves something to push. */
  private resolveDeadLetter(
    table: TableName,
    resolve: (
      handle: LocalDbHandle,
      spec: TableSpec,
      stamp: () => ChangeStamp,
    ) => Promise<DeadLetterResolution>,
  ): Observable<DeadLetterResolution> {
    return this.run(async (handle) => {
      const done = await resolve(handle, this.writableSpec(handle, table), this.stamp);
      if (done.result === 'pending') {
        this.writes.next({ table, id: done.id, changeId: done.changeId, deleted: done.deleted });
      }
      return done;
    });
  }

  private writableSpec(handle: LocalDbHandle, table: TableName): TableSpec {
    const spec = specOf(handle, table);
    if (spec.kind === 'master') throw new ReadOnlyTableError(table);
    if (this.blocked()) throw new LocalWriteBlockedError(table);
    return spec;
  }

  private countLive(selector: Record<string, boolean>): Observable<number> {
    return this.withHandle((handle) => countAcrossTransactional(handle, selector)).pipe(
      shareReplay({ bufferSize: 1, refCount: true }),
    );
  }
}
