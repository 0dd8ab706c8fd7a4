/**
 * The bench page: bundled by bench/run.mjs with esbuild (minified, production) and served on the
 * app's origin under /__bench/, so it sees the same server and the same IndexedDB origin as the
 * app. It exposes `window.bench` for the figures the app cannot produce itself:
 *
 *  - `limit`   the browser's bare ceiling: the same pages from the same server (same page size,
 *              all tables per request, page n+1 fetched while page n is written), each page
 *              written with raw IndexedDB puts into stores with only a primary key, one
 *              transaction per page;
 *  - `ceiling` the same pages, already in memory (no network), written with RxDB `bulkUpsert`
 *              into the very collections the app creates (same schemas, from the app's
 *              `collectionCreators` and the table registry), on the same storage (Dexie);
 *  - `engineCore` (diagnostic) the app's own pull phase and pull writer (pull-phase.ts,
 *              pull-writer.ts, checkpoint-store.ts) on the same collections, without the app
 *              around them (no UI, no NgRx, no lock, no sync log): what the engine costs by itself;
 *  - `engineCoreWorker` (diagnostic) the same in a dedicated worker (core-worker.ts), with its
 *              own RxDB: the pull phase with the page's main thread doing none of it;
 *  - `peer`    RxDB's own replication (`replicateRxCollection`) as an app would configure it:
 *              one replication per collection, push + pull for transactional tables, pull-only
 *              for master data, the same page size, over our pull endpoint (one table per call);
 *              timed like the engine, from its login to the last record stored.
 */
// The app's services are built with Injector.create here, without the AOT compiler.
import '@angular/compiler';
import { addRxPlugin, createRxDatabase, type RxCollection, type RxDatabase } from 'rxdb';
import { RxDBLeaderElectionPlugin } from 'rxdb/plugins/leader-election';
import { RxDBMigrationSchemaPlugin } from 'rxdb/plugins/migration-schema';
import { replicateRxCollection } from 'rxdb/plugins/replication';
import { getRxStorageDexie } from 'rxdb/plugins/storage-dexie';

import type {
  PullRequest,
  PullResponse,
  PushChange,
  PushResponse,
  ServerRecord,
} from '../../contract/protocol';
import { SYNC_TABLES, type TableName, type TableSpec } from '../../contract/tables';
import {
  collectionCreators,
  collectionName,
  type SyncDoc,
} from '../../src/app/sync/local/local-schemas';
import { pickFields, syncedDoc, syncedMeta } from '../../src/app/sync/local/sync-records';
import { engineCore, type CoreResult } from './engine-core';
import { api, login } from './http';

/** A figure's run: the engine core's result, and how many pages a bench-page figure wrote. */
type Result = CoreResult & { pages?: number };

const TABLES = SYNC_TABLES.map((spec) => spec.name);

/** The engine's request sequence: all open tables per request, each with its own checkpoint. */
function pullAll(pageSize: number): {
  next(): Promise<PullResponse | null>;
} {
  let open = TABLES.map((table) => ({ table, checkpoint: null as string | null }));
  let inFlight: Promise<PullResponse> | null = null;
  const request = (): Promise<PullResponse> | null => {
    if (open.length === 0) return null;
    const body: PullRequest = { tables: open, limit: pageSize };
    return api<PullResponse>('/api/sync/pull', body).then((response) => {
      // The next request's checkpoints are known as soon as this response is: prefetch it.
      open = response.tables
        .filter((table) => table.hasMore)
        .map(({ table, checkpoint }) => ({ table, checkpoint }));
      return response;
    });
  };
  return {
    async next() {
      const current = inFlight ?? request();
      if (!current) return null;
      const response = await current;
      inFlight = request();
      return response;
    },
  };
}

/** The document the app's pull writer stores for this record (`syncedDoc`). */
function docOf(spec: TableSpec, record: ServerRecord): SyncDoc & { _deleted: boolean } {
  if (record.deleted || record.data === null) {
    return { id: record.id, ...syncedMeta(record.rev), _deleted: true } as SyncDoc & {
      _deleted: boolean;
    };
  }
  return { ...syncedDoc(spec, record), _deleted: false };
}

// --- limit: raw IndexedDB ------------------------------------------------------------------------

function idbOpen(name: string): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(name, 1);
    open.onupgradeneeded = () => {
      for (const table of TABLES) open.result.createObjectStore(table, { keyPath: 'id' });
    };
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
}

async function limit(username: string, password: string, pageSize: number): Promise<Result> {
  await login(username, password);
  const db = await idbOpen(`bench-limit-${Date.now()}`);
  const started = performance.now();
  const pages = pullAll(pageSize);
  let records = 0;
  let requests = 0;
  for (let page = await pages.next(); page; page = await pages.next()) {
    requests++;
    const tables = page.tables.filter((table) => table.records.length > 0);
    if (tables.length === 0) continue;
    await new Promise<void>((resolve, reject) => {
      const tx = db.transaction(
        tables.map((table) => table.table),
        'readwrite',
      );
      for (const table of tables) {
        const store = tx.objectStore(table.table);
        for (const record of table.records) store.put(record);
        records += table.records.length;
      }
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  }
  const ms = performance.now() - started;
  db.close();
  return { records, ms, requests, startedAt: started };
}

// --- storage ceiling: RxDB bulkUpsert, no network ------------------------------------------------

/** The same database the app opens (its collectionCreators), on the Dexie storage. */
async function appDatabase(name: string): Promise<RxDatabase> {
  // The app's schemas carry versions above 0; RxDB then asks for the migration plugin even on an
  // empty database, as the app's own LocalDatabase does.
  addRxPlugin(RxDBMigrationSchemaPlugin);
  const db = await createRxDatabase({
    name,
    storage: getRxStorageDexie(),
    multiInstance: true,
    eventReduce: true,
  });
  await db.addCollections(collectionCreators(SYNC_TABLES));
  return db;
}

function collectionOf(db: RxDatabase, table: TableName): RxCollection {
  return (db.collections as Record<string, RxCollection>)[collectionName(table)]!;
}

async function ceiling(username: string, password: string, pageSize: number): Promise<Result> {
  await login(username, password);
  // Every page first, untimed: the ceiling has no network in it.
  const responses: PullResponse[] = [];
  const pages = pullAll(pageSize);
  for (let page = await pages.next(); page; page = await pages.next()) responses.push(page);

  const db = await appDatabase(`bench-ceiling-${Date.now()}`);
  const started = performance.now();
  let records = 0;
  for (const response of responses) {
    for (const table of response.tables) {
      if (table.records.length === 0) continue;
      const spec = SYNC_TABLES.find((candidate) => candidate.name === table.table)!;
      await collectionOf(db, table.table).bulkUpsert(
        table.records.map((record) => docOf(spec, record)),
      );
      records += table.records.length;
    }
  }
  const ms = performance.now() - started;
  await db.remove();
  return { records, ms, requests: responses.length, pages: responses.length, startedAt: started };
}

// --- engine core in a dedicated worker: the same, off the page's main thread ------------------

/**
 * The engine core run by a dedicated worker (`core-worker.ts`) with its own RxDB and Dexie: what
 * the pull phase costs when the page's main thread does none of it. Its time is the worker's.
 */
function engineCoreWorker(username: string, password: string, pageSize: number): Promise<Result> {
  const worker = new Worker('/__bench/core-worker.js', { type: 'module' });
  const startedAt = performance.now();
  return new Promise<Result>((resolve, reject) => {
    worker.onmessage = ({ data }: MessageEvent<{ result?: Result; error?: string }>) => {
      worker.terminate();
      if (data.result) resolve({ ...data.result, startedAt });
      else reject(new Error(data.error ?? 'the core worker failed'));
    };
    worker.onerror = (event) => {
      worker.terminate();
      reject(new Error(event.message));
    };
    worker.postMessage({ username, password, pageSize });
  });
}

// --- peer: RxDB's own replication ----------------------------------------------------------------

interface PeerCheckpoint {
  checkpoint: string | null;
}

async function peer(username: string, password: string, pageSize: number): Promise<Result> {
  // The engine's span: from the login to the last record stored, opening the database inside it,
  // so the fixed costs of an app that logs in and syncs are on both sides of the ratio.
  const started = performance.now();
  await login(username, password);
  addRxPlugin(RxDBLeaderElectionPlugin);
  const db = await appDatabase(`bench-peer-${Date.now()}`);
  let requests = 0;
  let records = 0;
  const replications = SYNC_TABLES.map((spec) =>
    replicateRxCollection<SyncDoc, PeerCheckpoint>({
      replicationIdentifier: `field-sync-${spec.name}-${location.origin}/api/sync`,
      collection: collectionOf(db, spec.name) as unknown as RxCollection<SyncDoc>,
      live: true,
      retryTime: 5_000,
      pull: {
        batchSize: pageSize,
        // One table per call; our opaque checkpoint travels inside RxDB's checkpoint object.
        async handler(last, batchSize) {
          requests++;
          const response = await api<PullResponse>('/api/sync/pull', {
            tables: [{ table: spec.name, checkpoint: last?.checkpoint ?? null }],
            limit: batchSize,
          } satisfies PullRequest);
          const result = response.tables[0]!;
          records += result.records.length;
          return {
            documents: result.records.map((record) => docOf(spec, record)),
            checkpoint: { checkpoint: result.checkpoint },
          };
        },
      },
      push:
        spec.kind === 'transactional'
          ? {
              batchSize: 200,
              async handler(rows) {
                const changes: PushChange[] = rows.map((row) => {
                  const doc = row.newDocumentState as unknown as Record<string, unknown> & {
                    id: string;
                    _deleted: boolean;
                  };
                  return {
                    table: spec.name,
                    id: doc.id,
                    changeId: crypto.randomUUID(),
                    baseRev: (row.assumedMasterState?.syncRev as number | undefined) ?? null,
                    deleted: doc._deleted,
                    data: doc._deleted ? null : pickFields(spec, doc),
                  };
                });
                const response = await api<PushResponse>('/api/sync/push', { changes });
                // Conflicts come back as the server's state, for RxDB's conflict handler.
                return response.results.flatMap((result) =>
                  result.status === 'conflict' ? [docOf(spec, result.server)] : [],
                );
              },
            }
          : undefined,
    }),
  );
  await Promise.all(replications.map((replication) => replication.awaitInitialReplication()));
  const ms = performance.now() - started;
  await Promise.all(replications.map((replication) => replication.cancel()));
  await db.remove();
  return { records, ms, requests, startedAt: started };
}

declare global {
  interface Window {
    bench: typeof bench;
  }
}

const bench = { limit, ceiling, engineCore, engineCoreWorker, peer };
window.bench = bench;
