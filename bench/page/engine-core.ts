/**
 * The engine core: the app's own pull phase and pull writer (pull-phase.ts, pull-writer.ts,
 * checkpoint-store.ts) over the app's `SyncStore` and `LocalDatabase` (built by
 * `standaloneStoreInjector`, as the simulation builds them), Dexie, a `fetch` transport, and no
 * app around them (no UI, no NgRx, no lock, no sync log). Run by the bench page and by the core
 * worker alike.
 */
import { getRxStorageDexie } from 'rxdb/plugins/storage-dexie';
import { defer, lastValueFrom, type Observable, toArray } from 'rxjs';

import type {
  ManifestResponse,
  PullResponse,
  PushResponse,
  RecordsResponse,
} from '../../contract/protocol';
import { SYNC_TABLES } from '../../contract/tables';
import { pullPhase } from '../../src/app/sync/engine/pull-phase';
import { LocalDatabase } from '../../src/app/sync/local/local-database';
import { standaloneStoreInjector } from '../../src/app/sync/local/standalone-injector';
import { SyncStore } from '../../src/app/sync/local/sync-store';
import type { SyncApi } from '../../src/app/sync/transport/sync-transport';
import { api, login } from './http';

export interface CoreResult {
  records: number;
  ms: number;
  /** performance.now() at the start, for the long tasks of the measured span. */
  startedAt: number;
  requests: number;
}

const TABLES = SYNC_TABLES.map((spec) => spec.name);

/** A request in the transport's shape (an Observable); unsubscribing does not abort it. */
function request$<T>(path: string, body?: unknown): Observable<T> {
  return defer(() => api<T>(path, body));
}

export async function engineCore(
  username: string,
  password: string,
  pageSize: number,
): Promise<CoreResult> {
  await login(username, password);
  // The app's own SyncStore and LocalDatabase over Dexie, so the pull phase runs the app's code.
  const injector = standaloneStoreInjector({
    storage: getRxStorageDexie,
    name: `bench-core-${Date.now()}`,
    multiInstance: true,
    clock: () => Date.now(),
    newChangeId: () => crypto.randomUUID(),
    registry: SYNC_TABLES,
    config: { maxAttempts: 3, logLimit: 2000, logTrimEvery: 100 },
  });
  const store = injector.get(SyncStore);
  const database = injector.get(LocalDatabase);
  await database.open();
  let requests = 0;
  const transport: SyncApi = {
    manifest: () => request$<ManifestResponse>('/api/sync/manifest'),
    pull: (body) => {
      requests++;
      return request$<PullResponse>('/api/sync/pull', body);
    },
    push: (body) => request$<PushResponse>('/api/sync/push', body),
    records: (body) => request$<RecordsResponse>('/api/sync/records', body),
  };
  const started = performance.now();
  await lastValueFrom(
    pullPhase(
      { store, transport, registry: SYNC_TABLES, userId: 'bench', pageSize },
      {
        runId: 'bench',
        kind: 'initial',
        scope: 'full',
        masterData: false,
        initialTables: TABLES,
        tabId: 'bench',
        startedAt: Date.now(),
      },
    ).pipe(toArray()),
  );
  const ms = performance.now() - started;
  const handle = await database.open();
  let records = 0;
  for (const spec of SYNC_TABLES) records += await handle.anyTable(spec.name).count().exec();
  await database.remove();
  return { records, ms, requests, startedAt: started };
}
