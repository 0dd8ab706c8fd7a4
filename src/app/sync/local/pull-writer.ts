/**
 * Writes one pulled page of a table in bulk without ever overwriting a local change.
 *
 * Why the storage instance and not `bulkUpsert()`: upsert writes whatever is stored, so a record
 * the user edits between our "is it pending?" read and the write would be overwritten. RxDB has
 * no public bulk write with a precondition; `incrementalModify()` has one but writes document by
 * document. The storage's `bulkWrite()` is a compare-and-swap per row: each row names the
 * revision it was built from (`previous`), and a row whose document changed meanwhile fails
 * with 409 instead of being written. That is the mechanism RxDB's own replication uses for its
 * downstream writes. We write through `collection.storageInstance` (the wrapped instance), which
 * stamps `_rev`/`_meta.lwt`, runs the database's write lock and feeds the collection's change
 * stream, so `find()`, `$` and the document cache see the pulled records like any other write.
 */
import { getDefaultRxDocumentMeta, isBulkWriteConflictError } from 'rxdb';
import type { BulkWriteRow, RxDocumentData } from 'rxdb';

import type { ServerRecord } from '../../../../contract/protocol';
import type { TableName, TableSpec } from '../../../../contract/tables';
import type { AnySyncCollection } from './local-database';
import { NEVER_PUSHED_REV, type SyncDoc } from './local-schemas';
import { staleConflict } from './resync-store';
import { hasLocalChanges, syncedDoc } from './sync-records';

export interface PullWriteCounts {
  /** Records inserted or updated. */
  written: number;
  /** Records left alone because they have local changes (pending or dead-lettered). */
  skippedPending: number;
  deleted: number;
  /** Records already at this revision or newer locally, or tombstones of absent records. */
  unchanged: number;
  /** Stale records (a resync) with local changes, turned into conflicts with the pulled version. */
  conflicts: number;
}

/**
 * Test seams (also for the simulation): awaited at the points where another writer may step in.
 * `beforeWrite` runs after a round's rows are built and before they are written;
 * `beforeCheckpoint` after a page's records are written and before its checkpoint is saved.
 */
export interface PullWriteHooks {
  beforeWrite?(round: number, ids: readonly string[]): Promise<void>;
  beforeCheckpoint?(table: TableName, checkpoint: string | null): Promise<void>;
}

/** Change-stream context of pull writes, so observers can tell them from local edits. */
export const PULL_WRITE_CONTEXT = 'sync-pull';

/**
 * Round 0 may guess wrong (see writePulledRecords); every later round only retries rows that
 * lost a race with a concurrent write. It takes sustained writing to the very same records to
 * exhaust this, so failing (the page is pulled again, the checkpoint was not saved) beats looping.
 */
const MAX_ROUNDS = 6;

/**
 * Rows per storage bulk write. IndexedDB serialises every row on the main thread while the write
 * is issued, so a page of 1,000 rows of ~0.5 KB in one write blocks it for one long task; slices
 * keep each task shorter (docs/performance.md). The checkpoint is saved only after the whole
 * page, so a crash between slices pulls the page again, which changes nothing already written.
 */
export const PULL_WRITE_SLICE = 250;

type Doc = RxDocumentData<SyncDoc>;
type WriteKind = 'written' | 'deleted' | 'conflicts' | 'skippedPending';
type Plan =
  { kind: 'skippedPending' | 'unchanged' } | { kind: WriteKind; row: BulkWriteRow<SyncDoc> };

export async function writePulledRecords(
  collection: AnySyncCollection,
  spec: TableSpec,
  records: readonly ServerRecord[],
  hooks: PullWriteHooks = {},
): Promise<PullWriteCounts> {
  const counts: PullWriteCounts = {
    written: 0,
    skippedPending: 0,
    deleted: 0,
    unchanged: 0,
    conflicts: 0,
  };
  const storage = collection.storageInstance;
  let todo = newestPerId(records);
  // Round 0 writes first and reads only what a guess can't cover: a live record is written as
  // new, and if it exists the storage refuses that row with the stored document, which is all
  // the next round needs. An initial sync (almost everything new) so skips a read of every row;
  // a page of known records costs the refused write instead of the read. A tombstone can't be
  // guessed (deleting nothing is a valid answer), so its current state is read.
  let current = await storedDocs(storage, todo.filter(isTombstone));
  for (let round = 0; todo.length > 0; round++) {
    if (round === MAX_ROUNDS) {
      throw new Error(
        `Pull of "${spec.name}": ${todo.length} records still changing after ${MAX_ROUNDS} rounds`,
      );
    }
    const rows: BulkWriteRow<SyncDoc>[] = [];
    const kinds = new Map<string, WriteKind>();
    for (const record of todo) {
      const plan = planWrite(spec, record, current.get(record.id));
      if (!('row' in plan)) {
        counts[plan.kind]++;
        continue;
      }
      rows.push(plan.row);
      kinds.set(record.id, plan.kind);
    }
    if (rows.length === 0) break;
    await hooks.beforeWrite?.(round, [...kinds.keys()]);

    const refused = new Map<string, Doc>();
    for (let start = 0; start < rows.length; start += PULL_WRITE_SLICE) {
      const result = await storage.bulkWrite(
        rows.slice(start, start + PULL_WRITE_SLICE),
        PULL_WRITE_CONTEXT,
      );
      for (const error of result.error) {
        const conflict = isBulkWriteConflictError<SyncDoc>(error);
        if (!conflict) {
          throw new Error(
            `Pull of "${spec.name}" could not write record "${error.documentId}" ` +
              `(storage status ${error.status})`,
          );
        }
        refused.set(conflict.documentId, conflict.documentInDb);
      }
    }
    for (const [id, kind] of kinds) {
      if (!refused.has(id)) counts[kind]++;
    }
    // A guess that was wrong, or a race lost to another write (typically a user edit): decide
    // again against the document the storage holds now, deleted ones included.
    todo = todo.filter((record) => refused.has(record.id));
    current = refused;
  }
  return counts;
}

function isTombstone(record: ServerRecord): boolean {
  return record.deleted || record.data === null;
}

/** Stored versions, deleted ones included: a tombstone is the `previous` of a re-created record. */
async function storedDocs(
  storage: AnySyncCollection['storageInstance'],
  records: readonly ServerRecord[],
): Promise<Map<string, Doc>> {
  if (records.length === 0) return new Map();
  const stored = await storage.findDocumentsById(
    records.map((record) => record.id),
    true,
  );
  return new Map(stored.map((doc) => [doc.id, doc]));
}

function planWrite(spec: TableSpec, record: ServerRecord, stored: Doc | undefined): Plan {
  const live = stored && !stored._deleted ? stored : undefined;
  if (live?.syncStale) return planStale(spec, record, live);
  if (live && hasLocalChanges(live)) return planSkip(live, record);
  // Same or older than what we hold: a page pulled again after a crash, or a push result that
  // was applied before this page arrived.
  if (live && record.rev <= live.syncRev) return { kind: 'unchanged' };
  if (isTombstone(record)) {
    if (!live) return { kind: 'unchanged' };
    return { kind: 'deleted', row: { previous: live, document: { ...live, _deleted: true } } };
  }
  return { kind: 'written', row: { previous: stored, document: storedForm(spec, record, stored) } };
}

/**
 * A record with local changes keeps them. A dead letter also remembers the newest revision
 * passed over, so that a resolution whose fetch raced this pull can't install an older version
 * behind the checkpoint (rule 6); the write also makes such a resolution's own write conflict.
 */
function planSkip(live: Doc, record: ServerRecord): Plan {
  const known = Math.max(live.syncSeenRev, live.syncRev);
  if (!live.syncDeadLetter || record.rev <= known) return { kind: 'skippedPending' };
  return {
    kind: 'skippedPending',
    row: { previous: live, document: { ...live, syncSeenRev: record.rev } },
  };
}

/**
 * A record of an older epoch (a resync is in progress): its revision means nothing against the
 * pulled one, so the pulled version replaces it whatever the numbers say. With local changes
 * based on the old epoch, it becomes a conflict with the pulled version instead; a creation the
 * server never saw is left alone (the end of the resync clears its flag).
 */
function planStale(spec: TableSpec, record: ServerRecord, live: Doc): Plan {
  if (hasLocalChanges(live)) {
    if (live.syncRev === NEVER_PUSHED_REV) return { kind: 'skippedPending' };
    if (live.localDeleted && (record.deleted || record.data === null)) {
      // Deleted on both sides: they agree.
      return { kind: 'deleted', row: { previous: live, document: { ...live, _deleted: true } } };
    }
    return {
      kind: 'conflicts',
      row: { previous: live, document: staleConflict(spec, live, record) },
    };
  }
  if (record.deleted || record.data === null) {
    return { kind: 'deleted', row: { previous: live, document: { ...live, _deleted: true } } };
  }
  return { kind: 'written', row: { previous: live, document: storedForm(spec, record, live) } };
}

/** A live pulled record as a stored document (replacing `stored`, if any). */
function storedForm(spec: TableSpec, record: ServerRecord, stored: Doc | undefined): Doc {
  return {
    ...syncedDoc(spec, record),
    _deleted: false,
    _attachments: {},
    // The wrapped storage instance stamps the real `_rev` and `_meta.lwt`; an update needs the
    // stored `_meta` to copy its other keys from.
    _meta: stored?._meta ?? getDefaultRxDocumentMeta(),
    _rev: stored?._rev ?? '',
  };
}

/** A page may hold a record twice (edited twice between pulls): only its newest version counts. */
function newestPerId(records: readonly ServerRecord[]): ServerRecord[] {
  const newest = new Map<string, ServerRecord>();
  for (const record of records) {
    const seen = newest.get(record.id);
    if (!seen || record.rev > seen.rev) newest.set(record.id, record);
  }
  return [...newest.values()];
}
