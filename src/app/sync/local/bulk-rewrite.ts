/**
 * Rewrites many stored documents without losing a concurrent write: the storage's bulkWrite is a
 * compare-and-swap per row (each row names the revision it was decided on), and a row that lost
 * the race to another write (typically a user edit) is decided again on the fresh state. The
 * same mechanism as the pull writer (see pull-writer.ts for why the storage instance), for
 * bookkeeping over whole tables: marking records stale, settling them after a resync.
 */
import { isBulkWriteConflictError, type BulkWriteRow, type RxDocumentData } from 'rxdb';

import type { AnySyncCollection } from './local-database';
import type { SyncDoc } from './local-schemas';

/** Change-stream context of these writes, so observers can tell them from local edits. */
export const REWRITE_CONTEXT = 'sync-rewrite';

const MAX_ROUNDS = 5;
const SLICE = 250;

export type StoredDocData = RxDocumentData<SyncDoc>;

/**
 * Decides each document anew from its stored state: a new document to write (`_deleted: true`
 * removes it), or null to leave it. Resolves to how many were written, per kind `decide` names.
 */
export async function rewriteEach<K extends string>(
  collection: AnySyncCollection,
  ids: readonly string[],
  decide: (stored: StoredDocData) => { kind: K; document: StoredDocData } | null,
): Promise<Partial<Record<K, number>>> {
  const counts: Partial<Record<K, number>> = {};
  const storage = collection.storageInstance;
  let todo = [...ids];
  for (let round = 0; todo.length > 0; round++) {
    if (round === MAX_ROUNDS) {
      throw new Error(`${todo.length} records of "${collection.name}" kept changing`);
    }
    const conflicted = new Set<string>();
    for (let start = 0; start < todo.length; start += SLICE) {
      const stored = await storage.findDocumentsById(todo.slice(start, start + SLICE), false);
      const rows: BulkWriteRow<SyncDoc>[] = [];
      const kinds = new Map<string, K>();
      for (const doc of stored) {
        const decision = decide(doc);
        if (!decision) continue;
        rows.push({ previous: doc, document: decision.document });
        kinds.set(doc.id, decision.kind);
      }
      if (rows.length === 0) continue;
      const result = await storage.bulkWrite(rows, REWRITE_CONTEXT);
      for (const error of result.error) {
        if (!isBulkWriteConflictError(error)) {
          throw new Error(
            `Could not rewrite "${collection.name}" record "${error.documentId}" ` +
              `(storage status ${error.status})`,
          );
        }
        conflicted.add(error.documentId);
      }
      for (const [id, kind] of kinds) {
        if (!conflicted.has(id)) counts[kind] = (counts[kind] ?? 0) + 1;
      }
    }
    todo = todo.filter((id) => conflicted.has(id));
  }
  return counts;
}

/** Ids of the documents `selector` matches (not deleted). */
export async function idsWhere(
  collection: AnySyncCollection,
  selector: Record<string, unknown>,
): Promise<string[]> {
  const docs = await collection.find({ selector }).exec();
  return docs.map((doc) => doc.id);
}
