/**
 * The live reads of the repository: records as features see them (no metadata, no local
 * deletions), the records still to sync, and the counts the badge shows.
 */
import type { MangoQuery } from 'rxdb';
import { combineLatest, distinctUntilChanged, map, of, type Observable } from 'rxjs';

import type { TableSpec } from '../../../../contract/tables';
import type { LocalDbHandle } from './local-database';
import type { SyncDoc } from './local-schemas';
import { sameValue, toPlainRecord, type PlainRecord } from './sync-records';

/** The table's records matching `query`, without local deletions, live. */
export function watchPlainRecords(
  handle: LocalDbHandle,
  spec: TableSpec,
  query: Pick<MangoQuery<SyncDoc>, 'selector' | 'sort' | 'limit' | 'skip'>,
): Observable<PlainRecord[]> {
  const selector = { ...(query.selector ?? {}), localDeleted: false };
  return handle
    .anyTable(spec.name)
    .find({ ...query, selector } as MangoQuery<SyncDoc>)
    .$.pipe(map((docs) => docs.map((doc) => toPlainRecord(spec, doc))));
}

/**
 * How many of the table's records match `selector`, local deletions left out, live. Counted by
 * the storage (an index range when the selector allows, else a scan inside the storage): no
 * document is handed to JavaScript, so a list can show a count of 100,000 without loading them.
 */
export function watchPlainCount(
  handle: LocalDbHandle,
  spec: TableSpec,
  selector: MangoQuery<SyncDoc>['selector'] = {},
): Observable<number> {
  return handle
    .anyTable(spec.name)
    .count({ selector: { ...selector, localDeleted: false } } as MangoQuery<SyncDoc>).$;
}

/**
 * One record, live: null while it is absent or deleted locally. Emits only when the record's
 * id or fields change, not on metadata-only writes (a push result, a pull of the same version),
 * so a form watching it reacts to real changes only.
 */
export function watchPlainRecord(
  handle: LocalDbHandle,
  spec: TableSpec,
  id: string,
): Observable<PlainRecord | null> {
  return handle
    .anyTable(spec.name)
    .findOne(id)
    .$.pipe(
      map((doc) => (doc && !doc.localDeleted ? toPlainRecord(spec, doc) : null)),
      distinctUntilChanged((a, b) => sameRecord(spec, a, b)),
    );
}

/** A record with a change the server has not taken yet: pending, or parked as a dead letter. */
export interface UnsyncedRecord<R = PlainRecord> {
  readonly record: R;
  /** Deleted locally: the deletion is the change. */
  readonly deleted: boolean;
  /** Parked until someone resolves it (Diagnostics). */
  readonly deadLetter: boolean;
  /** The last push error ('' if none was recorded). */
  readonly error: string;
}

/**
 * Unsynced is pending, or parked and not pending: two queries that the index on
 * [syncPending, syncDeadLetter, …] answers as ranges. One `$or` selector can't use an index (RxDB's
 * planner), so it read every document of the table, on every write of it.
 */
const UNSYNCED_PARTS = [{ syncPending: true }, { syncPending: false, syncDeadLetter: true }];

/** The table's records with an unsynced change, local deletions included, by id, live. */
export function watchUnsyncedRecords(
  handle: LocalDbHandle,
  spec: TableSpec,
): Observable<UnsyncedRecord[]> {
  const table = handle.anyTable(spec.name);
  return combineLatest(
    UNSYNCED_PARTS.map((selector) => table.find({ selector } as MangoQuery<SyncDoc>).$),
  ).pipe(
    map((parts) =>
      parts
        .flat()
        .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
        .map((doc) => ({
          record: toPlainRecord(spec, doc),
          deleted: doc.localDeleted,
          deadLetter: doc.syncDeadLetter,
          error: doc.syncError,
        })),
    ),
  );
}

/**
 * The records with these ids, local deletions left out, live: read by primary key. An `$in`
 * selector would scan the id range between the smallest and the largest id, most of a table.
 */
export function watchPlainRecordsByIds(
  handle: LocalDbHandle,
  spec: TableSpec,
  ids: readonly string[],
): Observable<PlainRecord[]> {
  return handle
    .anyTable(spec.name)
    .findByIds([...ids])
    .$.pipe(
      map((docs) =>
        [...docs.values()]
          .filter((doc) => !doc.localDeleted)
          .map((doc) => toPlainRecord(spec, doc)),
      ),
    );
}

function sameRecord(spec: TableSpec, a: PlainRecord | null, b: PlainRecord | null): boolean {
  if (a === null || b === null) return a === b;
  return Object.keys(spec.fields).every((field) => sameValue(a[field], b[field]));
}

/** Documents of every transactional table matching `selector`, counted live. */
export function countAcrossTransactional(
  handle: LocalDbHandle,
  selector: Record<string, boolean>,
): Observable<number> {
  const counts = handle.tables
    .filter((spec) => spec.kind === 'transactional')
    .map((spec) => handle.anyTable(spec.name).count({ selector }).$);
  return counts.length === 0
    ? of(0)
    : combineLatest(counts).pipe(map((each) => each.reduce((sum, n) => sum + n, 0)));
}
