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

export interface Db extends Queryable {
  readonly driver: 'pglite' | 'postgres';
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
    close: () => pglite.close(),
  };
}

/** Connects to PostgreSQL; the pool opens connections lazily, so this never blocks. */
export function openPostgres(connectionString: string): Db {
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
    close: () => pool.end(),
  };
}
