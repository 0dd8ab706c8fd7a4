/**
 * The real sync server for the simulation: the Fastify app on an in-memory PGlite, shared by
 * every history of a process (opening PGlite costs seconds). Each history gets its own user, and
 * users are isolated namespaces on the server, so histories never see each other's data.
 */
import type { FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';

import type { ServerRecord } from '../contract/protocol';
import type { TableName } from '../contract/tables';
import { buildApp } from '../server/src/app';
import { seedUserData } from '../server/src/seed/seed';
import type { Db } from '../server/src/store/db';
import { openPglite } from '../server/src/store/db';
import { rotateEpoch } from '../server/src/store/epoch';
import { createSession } from '../server/src/store/users';

export interface SimServer {
  readonly app: FastifyInstance;
  readonly db: Db;
}

/** A copy of one user's server data, restored later as a backup would be. */
export interface UserSnapshot {
  readonly rev: number;
  readonly records: readonly unknown[][];
  readonly applied: readonly unknown[][];
}

let shared: Promise<SimServer> | null = null;

/** The process's server, started on first use. */
export function simServer(): Promise<SimServer> {
  shared ??= (async () => {
    const db = await openPglite('memory');
    // Test mode for its reject rule (a server refusing one record); its faults are never armed.
    const app = await buildApp({ db, mode: 'test', seed: null, staticDir: null });
    return { app, db };
  })();
  return shared;
}

export async function closeSimServer(): Promise<void> {
  if (!shared) return;
  const { app, db } = await shared;
  shared = null;
  await app.close();
  await db.close();
}

/**
 * A fresh user with a little master data and a few work orders with lines, and a session token.
 * Inserted directly: a password hash (scrypt) per history would cost more than the history.
 */
export async function newSimUser(
  server: SimServer,
  seedKey: string,
): Promise<{ userId: string; token: string }> {
  const userId = randomUUID();
  await server.db.query(
    'INSERT INTO users (id, username, name, password_hash) VALUES ($1, $2, $3, $4)',
    [userId, `sim-${userId}`, 'Simulated user', 'no-login'],
  );
  await seedUserData(server.db, userId, seedKey, { customers: 2, products: 2, workOrders: 3 });
  const { token } = await createSession(server.db, userId, Date.now(), 24 * 60 * 60 * 1000);
  return { userId, token };
}

export async function snapshotUser(server: SimServer, userId: string): Promise<UserSnapshot> {
  const rev = await server.db.query<{ rev: unknown }>('SELECT rev FROM users WHERE id = $1', [
    userId,
  ]);
  const records = await server.db.query<Record<string, unknown>>(
    `SELECT table_name, id, rev, deleted, data::text AS data FROM records WHERE user_id = $1`,
    [userId],
  );
  const applied = await server.db.query<Record<string, unknown>>(
    'SELECT change_id, result::text AS result FROM applied_changes WHERE user_id = $1',
    [userId],
  );
  return {
    rev: Number(rev.rows[0]?.rev ?? 0),
    records: records.rows.map((row) => [
      row['table_name'],
      row['id'],
      row['rev'],
      row['deleted'],
      row['data'],
    ]),
    applied: applied.rows.map((row) => [row['change_id'], row['result']]),
  };
}

/** Puts a user's data back as it was at `snapshot`, then gives the server a new epoch. */
export async function restoreUser(
  server: SimServer,
  userId: string,
  snapshot: UserSnapshot,
): Promise<void> {
  await server.db.transaction(async (tx) => {
    await tx.query('SELECT rev FROM users WHERE id = $1 FOR UPDATE', [userId]);
    await tx.query('DELETE FROM records WHERE user_id = $1', [userId]);
    await tx.query('DELETE FROM applied_changes WHERE user_id = $1', [userId]);
    for (const [table, id, rev, deleted, data] of snapshot.records) {
      await tx.query(
        `INSERT INTO records (user_id, table_name, id, rev, deleted, data)
         VALUES ($1, $2, $3, $4, $5, $6::jsonb)`,
        [
          userId,
          table as string,
          id as string,
          Number(rev),
          deleted as boolean,
          data as string | null,
        ],
      );
    }
    for (const [changeId, result] of snapshot.applied) {
      await tx.query(
        'INSERT INTO applied_changes (user_id, change_id, result) VALUES ($1, $2, $3::jsonb)',
        [userId, changeId as string, result as string],
      );
    }
    await tx.query('UPDATE users SET rev = $2 WHERE id = $1', [userId, snapshot.rev]);
  });
  await rotateEpoch(server.db);
}

/** Every record of the user, tombstones included, keyed `table|id`. */
export async function serverRecords(
  server: SimServer,
  userId: string,
): Promise<Map<string, ServerRecord & { table: TableName }>> {
  const { rows } = await server.db.query<{
    table_name: TableName;
    id: string;
    rev: unknown;
    deleted: boolean;
    data: Record<string, unknown> | null;
  }>('SELECT table_name, id, rev, deleted, data FROM records WHERE user_id = $1', [userId]);
  return new Map(
    rows.map((row) => [
      `${row.table_name}|${row.id}`,
      {
        table: row.table_name,
        id: row.id,
        rev: Number(row.rev),
        deleted: row.deleted,
        data: row.deleted ? null : row.data,
        updatedAt: 0,
      },
    ]),
  );
}

/** Arms the server's reject rule for one record of the user (test mode). */
export async function rejectNext(
  server: SimServer,
  userId: string,
  table: TableName,
  id: string,
  count: number,
): Promise<void> {
  const response = await server.app.inject({
    method: 'POST',
    url: '/api/test/reject',
    payload: { username: `sim-${userId}`, table, id, count },
  });
  if (response.statusCode !== 204) throw new Error(`reject rule refused: ${response.body}`);
}
