/**
 * The embedded store in a worker thread (pglite-worker.mjs), behind the same `Db` interface as
 * the in-thread PGlite and PostgreSQL. PGlite's WASM runs each statement to completion on the
 * thread that calls it; here that is the worker's, so the server's event loop keeps answering
 * (health checks, other users) while a big push or pull runs.
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Db, NotificationHandlers, QueryResult, Queryable, SqlParam } from './db';

type Request =
  | { op: 'query'; sql: string; params?: SqlParam[]; tx?: number }
  | { op: 'begin' }
  | { op: 'commit' | 'rollback'; tx: number }
  | { op: 'close' }
  | { op: 'listen'; channel: string }
  | { op: 'more'; id: number };

type Reply =
  | { ready: true }
  | { notify: string; payload: string }
  | { id: number; part: unknown[] }
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: Record<string, unknown> & { message: string } };

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  /** Rows of a big result received so far, in parts (see pglite-worker.mjs). */
  parts: unknown[][];
}

/** A PostgreSQL error rebuilt from the worker's copy: `code`, `constraint`... as pg would set. */
function rebuildError(plain: Record<string, unknown> & { message: string }): Error {
  const { message, name, ...fields } = plain;
  const error = Object.assign(new Error(message), fields);
  if (typeof name === 'string') error.name = name;
  return error;
}

const WORKER_FILE = path.join(__dirname, 'pglite-worker.mjs');

/**
 * Opens PGlite in a worker thread: in memory for `'memory'`, else in that directory. Resolves once
 * the database is open; a failure to open (a locked or corrupt directory) rejects.
 */
export function openPgliteThread(dataDir: string): Promise<Db> {
  // tsx's hooks don't reach workers (Node 20): the worker is plain JavaScript, so no execArgv.
  const worker = new Worker(WORKER_FILE, { workerData: { dataDir }, execArgv: [] });
  const pending = new Map<number, Pending>();
  let lastId = 0;
  let exited: Error | null = null;
  /** Listeners by channel; the worker LISTENs once per channel. */
  const listeners = new Map<string, Set<NotificationHandlers>>();

  // Referenced only while an answer is awaited: an idle store must not keep a process alive
  // (a CLI, a test file), and a busy one must (a script awaiting its last query).
  const updateRef = () => (pending.size > 0 ? worker.ref() : worker.unref());

  const send = <T>(request: Request): Promise<T> => {
    if (exited) return Promise.reject(exited);
    const id = ++lastId;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject, parts: [] });
      updateRef();
      worker.postMessage({ id, ...request });
    });
  };

  const failAll = (error: Error) => {
    exited = error;
    for (const entry of pending.values()) entry.reject(error);
    pending.clear();
    // A worker that died takes its notifications with it (closed on purpose: none are left).
    for (const set of listeners.values()) for (const handlers of set) handlers.lost(error);
    listeners.clear();
  };

  const ready = new Promise<void>((resolve, reject) => {
    worker.on('message', (reply: Reply) => {
      if ('ready' in reply) return resolve();
      if ('notify' in reply) {
        for (const handlers of listeners.get(reply.notify) ?? []) handlers.notify(reply.payload);
        return;
      }
      const entry = pending.get(reply.id);
      if (!entry) return;
      if ('part' in reply) {
        entry.parts.push(reply.part);
        // Asked for only now: other events (requests) get their turn between two parts.
        worker.postMessage({ op: 'more', id: reply.id });
        return;
      }
      pending.delete(reply.id);
      updateRef();
      if (!reply.ok) return entry.reject(rebuildError(reply.error));
      if (entry.parts.length === 0) return entry.resolve(reply.value);
      const result = reply.value as QueryResult<unknown>;
      entry.resolve({ ...result, rows: [...entry.parts.flat(), ...result.rows] });
    });
    // An uncaught error in the worker (PGlite failing to open) ends it: every caller hears it.
    worker.on('error', (error) => {
      failAll(error);
      reject(error);
    });
    worker.on('exit', (code) => {
      const error = new Error(`the PGlite worker exited (code ${code})`);
      failAll(error);
      reject(error);
    });
  });

  const query = <T>(sql: string, params?: readonly SqlParam[], tx?: number) =>
    send<QueryResult<T>>({ op: 'query', sql, params: params ? [...params] : undefined, tx });

  const db: Db = {
    driver: 'pglite',
    query: (sql, params) => query(sql, params),
    async transaction(fn) {
      const tx = await send<number>({ op: 'begin' });
      const scoped: Queryable = { query: (sql, params) => query(sql, params, tx) };
      let result;
      try {
        result = await fn(scoped);
      } catch (error) {
        // Roll back, then report the original failure, not a secondary one from ROLLBACK.
        await send({ op: 'rollback', tx }).catch((rollbackError: Error) => {
          process.emitWarning(`ROLLBACK failed: ${rollbackError.message}`);
        });
        throw error;
      }
      await send({ op: 'commit', tx });
      return result;
    },
    async listen(channel, handlers) {
      let set = listeners.get(channel);
      if (!set) {
        await send({ op: 'listen', channel });
        set = listeners.get(channel) ?? new Set();
        listeners.set(channel, set);
      }
      set.add(handlers);
      return async () => {
        set.delete(handlers);
      };
    },
    async close() {
      if (exited) return;
      listeners.clear();
      const gone = new Promise((resolve) => worker.once('exit', resolve));
      await send({ op: 'close' });
      // Awaited work keeps a process alive only while the worker is referenced.
      worker.ref();
      await gone;
    },
  };
  return ready.then(
    () => {
      worker.unref();
      return db;
    },
    async (error: unknown) => {
      await worker.terminate();
      throw error;
    },
  );
}
