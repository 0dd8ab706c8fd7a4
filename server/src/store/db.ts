/**
 * The one seam between the store and a database driver. Everything above this file writes plain
 * PostgreSQL with `$n` parameters, and both drivers below run exactly that SQL: the embedded
 * PGlite (PostgreSQL compiled to WASM) and a real server through `pg.Pool`.
 */
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

/** Parameters are only strings, numbers, booleans and null: JSON goes in as text with `::jsonb`. */
export type SqlParam = string | number | boolean | null;

export interface QueryResult<T> {
  rows: T[];
  rowCount: number;
}

export interface QueryOptions {
  /**
   * Names the statement for PostgreSQL, which then parses and plans it once per connection instead
   * of on every call: worth it for the hottest queries (a no-op pull's one query plans for longer
   * than it runs). One name per SQL text. PGlite ignores it.
   */
  readonly prepareAs?: string;
}

export interface Queryable {
  query<T = Record<string, unknown>>(
    sql: string,
    params?: readonly SqlParam[],
    options?: QueryOptions,
  ): Promise<QueryResult<T>>;
}

/** What a `listen` hears: each NOTIFY payload, and the loss of the listening connection. */
export interface NotificationHandlers {
  notify(payload: string): void;
  /** The connection is gone: notifications may be missed from now on (never on PGlite). */
  lost(error: Error): void;
}

/** Stops listening; closes what `listen` opened. */
export type Unlisten = () => Promise<void>;

export interface Db extends Queryable {
  readonly driver: 'pglite' | 'postgres';
  /**
   * LISTENs on `channel`; resolves once listening. Optional: a store without it (a test's
   * wrapper) only means that nothing is cached on notifications (store/head-feed.ts).
   */
  listen?(channel: string, handlers: NotificationHandlers): Promise<Unlisten>;
  /** Runs `fn` in one transaction: COMMIT when it resolves, ROLLBACK when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * Opens the embedded database: in memory for `'memory'`, else in that directory (created on first
 * use, which runs initdb and costs seconds).
 */
export async function openPglite(dataDir: string): Promise<Db> {
  const pglite = dataDir === 'memory' ? await PGlite.create() : await PGlite.create(dataDir);
  const run = async <T>(
    target: Pick<PGlite, 'query'>,
    sql: string,
    params?: readonly SqlParam[],
  ): Promise<QueryResult<T>> => {
    const result = await target.query<T>(sql, params ? [...params] : undefined);
    return { rows: result.rows, rowCount: result.affectedRows || result.rows.length };
  };
  return {
    driver: 'pglite',
    query: (sql, params) => run(pglite, sql, params),
    // PGlite has one connection, so its transaction also excludes every other query until it
    // ends: correct, just less concurrent than PostgreSQL.
    transaction: (fn) =>
      pglite.transaction((tx) => fn({ query: (sql, params) => run(tx, sql, params) })),
    // PGlite calls listeners before the notifying statement (or its COMMIT) resolves.
    listen: (channel, handlers) =>
      pglite.listen(channel, handlers.notify).then((unlisten) => async () => unlisten()),
    close: () => pglite.close(),
  };
}

/**
 * LISTENs on its own connection, outside the pool: a pooled connection would be handed to other
 * queries. `url` may differ from the pool's (LISTEN_DATABASE_URL: a transaction-pooling
 * pgbouncer can't hold a LISTEN, so it must point at PostgreSQL itself).
 */
async function listenOn(
  url: string,
  channel: string,
  handlers: NotificationHandlers,
): Promise<Unlisten> {
  const client = new pg.Client({ connectionString: url });
  // Losses are reported only once listening: before that, the failure is `listen`'s rejection.
  let listening = false;
  let closing = false;
  const lose = (error: Error) => {
    if (closing || !listening) return;
    closing = true;
    handlers.lost(error);
    // Already broken: ending it only frees the socket.
    client.end().catch(() => undefined);
  };
  client.on('notification', (message) => {
    if (message.channel === channel) handlers.notify(message.payload ?? '');
  });
  client.on('error', lose);
  client.on('end', () => lose(new Error('the LISTEN connection ended')));
  try {
    await client.connect();
    await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
  } catch (error) {
    closing = true;
    await client.end().catch(() => undefined);
    throw error;
  }
  listening = true;
  return async () => {
    if (closing) return;
    closing = true;
    await client.end();
  };
}

/**
 * Connects to PostgreSQL; the pool opens connections lazily, so this never blocks. `listenUrl`
 * is where `listen` connects (the same database by default).
 */
export function openPostgres(connectionString: string, listenUrl = connectionString): Db {
  const pool = new pg.Pool({ connectionString, max: 10 });
  // An idle client losing its connection emits on the pool; without a listener that would crash
  // the process. The next query gets a fresh connection, so logging is all there is to do.
  pool.on('error', (error) => {
    process.emitWarning(`PostgreSQL idle client error: ${error.message}`);
  });
  const run = async <T>(
    target: pg.Pool | pg.PoolClient,
    sql: string,
    params?: readonly SqlParam[],
    options?: QueryOptions,
  ): Promise<QueryResult<T>> => {
    const values = params ? [...params] : undefined;
    const result = await target.query({ text: sql, values, name: options?.prepareAs });
    return { rows: result.rows as T[], rowCount: result.rowCount ?? result.rows.length };
  };
  return {
    driver: 'postgres',
    query: (sql, params, options) => run(pool, sql, params, options),
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn({
          query: (sql, params, options) => run(client, sql, params, options),
        });
        await client.query('COMMIT');
        return result;
      } catch (error) {
        // Roll back, then report the original failure, not a secondary one from ROLLBACK.
        await client.query('ROLLBACK').catch((rollbackError: Error) => {
          process.emitWarning(`ROLLBACK failed: ${rollbackError.message}`);
        });
        throw error;
      } finally {
        client.release();
      }
    },
    listen: (channel, handlers) => listenOn(listenUrl, channel, handlers),
    close: () => pool.end(),
  };
}
