/**
 * Demo users and their data, and the test-mode "more records" and "reset" operations. Records go
 * in as bulk INSERT ... SELECT FROM jsonb_to_recordset, a few thousand rows per statement, so the
 * full demo (about 13,000 records) seeds in seconds.
 */
import type { TableName } from '../../../contract/tables';
import type { Db, Queryable } from '../store/db';
import { rotateEpoch } from '../store/epoch';
import { ClientError } from '../store/records';
import { createUser, findUserByUsername } from '../store/users';
import {
  generateCustomers,
  generateLines,
  generateLinesPerOrder,
  generateProducts,
  generateWorkOrders,
  ID_PREFIXES,
  seededRandom,
  type SeedRecord,
} from './generator';

/** How much demo data each user gets; lines follow from work orders (one to three each). */
export interface SeedCounts {
  customers: number;
  products: number;
  workOrders: number;
}

export const DEMO_COUNTS: SeedCounts = { customers: 500, products: 300, workOrders: 2000 };

export const DEMO_USERS = [
  { username: 'alice', password: 'alice-demo-pass', name: 'Alice Andersen' },
  { username: 'bob', password: 'bob-demo-pass', name: 'Bob Berg' },
] as const;

const CHUNK = 2000;

/**
 * Inserts new records for one user, each with its own revision from the user's counter. Runs in
 * the caller's transaction, which must already hold the user's row lock.
 */
async function insertRecords(
  tx: Queryable,
  userId: string,
  table: TableName,
  records: readonly SeedRecord[],
): Promise<void> {
  if (records.length === 0) return;
  const bumped = await tx.query<{ rev: unknown }>(
    'UPDATE users SET rev = rev + $2 WHERE id = $1 RETURNING rev',
    [userId, records.length],
  );
  const firstRev = Number(bumped.rows[0]?.rev) - records.length + 1;
  for (let start = 0; start < records.length; start += CHUNK) {
    const chunk = records
      .slice(start, start + CHUNK)
      .map((record, i) => ({ id: record.id, rev: firstRev + start + i, data: record.data }));
    await tx.query(
      `INSERT INTO records (user_id, table_name, id, rev, deleted, data, updated_at)
       SELECT $1, $2, r.id, r.rev, false, r.data, now()
         FROM jsonb_to_recordset($3::jsonb) AS r(id text, rev bigint, data jsonb)`,
      [userId, table, JSON.stringify(chunk)],
    );
  }
}

async function lockUser(tx: Queryable, userId: string): Promise<void> {
  await tx.query('SELECT 1 FROM users WHERE id = $1 FOR UPDATE', [userId]);
}

/** One user's demo data, generated from `seedKey` so it is the same on every machine. */
export async function seedUserData(
  db: Db,
  userId: string,
  seedKey: string,
  counts: SeedCounts,
): Promise<void> {
  await db.transaction((tx) => seedUserDataIn(tx, userId, seedKey, counts));
}

/** seedUserData inside the caller's transaction. */
async function seedUserDataIn(
  tx: Queryable,
  userId: string,
  seedKey: string,
  counts: SeedCounts,
): Promise<void> {
  const random = seededRandom(seedKey);
  const customers = generateCustomers(random, 1, counts.customers);
  const products = generateProducts(random, 1, counts.products);
  const customerIds = customers.map((record) => record.id);
  const orders =
    customerIds.length > 0 ? generateWorkOrders(random, 1, counts.workOrders, customerIds) : [];
  const productIds = products.map((record) => record.id);
  const lines =
    productIds.length > 0
      ? generateLinesPerOrder(
          random,
          1,
          orders.map((record) => record.id),
          productIds,
        )
      : [];
  await lockUser(tx, userId);
  // Referenced tables first, so revision order never shows a line before its work order.
  await insertRecords(tx, userId, 'customers', customers);
  await insertRecords(tx, userId, 'products', products);
  await insertRecords(tx, userId, 'workOrders', orders);
  await insertRecords(tx, userId, 'workOrderLines', lines);
}

/**
 * Creates the demo users, and with `counts` their demo data, in the caller's transaction: all or
 * nothing, so a start-up that dies half-way leaves no user without data behind.
 */
export async function seedDemoIn(tx: Queryable, counts: SeedCounts | null): Promise<void> {
  for (const demo of DEMO_USERS) {
    const user = await createUser(tx, demo);
    if (counts) await seedUserDataIn(tx, user.id, demo.username, counts);
  }
}

/**
 * Wipes users (and with them sessions, records and remembered changes), then re-seeds, under a
 * new epoch: the revisions clients hold belong to the history that was just wiped.
 */
export async function resetAll(db: Db, counts: SeedCounts | null): Promise<void> {
  await db.transaction(async (tx) => {
    await rotateEpoch(tx);
    await tx.query('DELETE FROM applied_changes');
    await tx.query('DELETE FROM records');
    await tx.query('DELETE FROM sessions');
    await tx.query('DELETE FROM users');
    await seedDemoIn(tx, counts);
  });
}

/**
 * Wipes every record and remembered change but keeps users and sessions, then re-seeds each
 * user's data under a new epoch: a reset without the scrypt cost of re-creating users, for tests.
 */
export async function resetRecords(db: Db, counts: SeedCounts | null): Promise<void> {
  await db.transaction(async (tx) => {
    await rotateEpoch(tx);
    await tx.query('DELETE FROM applied_changes');
    await tx.query('DELETE FROM records');
    await tx.query('UPDATE users SET rev = 0');
  });
  const { rows } = await db.query<{ id: string; username: string }>(
    'SELECT id, username FROM users',
  );
  for (const user of rows) if (counts) await seedUserData(db, user.id, user.username, counts);
}

async function liveIds(tx: Queryable, userId: string, table: TableName): Promise<string[]> {
  const { rows } = await tx.query<{ id: string }>(
    'SELECT id FROM records WHERE user_id = $1 AND table_name = $2 AND NOT deleted ORDER BY id',
    [userId, table],
  );
  return rows.map((row) => row.id);
}

/** Adds `count` generated records to one user's table; returns their ids. */
export async function seedMore(
  db: Db,
  username: string,
  table: TableName,
  count: number,
): Promise<string[]> {
  const user = await findUserByUsername(db, username);
  if (!user) throw new ClientError(404, `unknown user "${username}"`);
  return db.transaction(async (tx) => {
    await lockUser(tx, user.id);
    const prefix = ID_PREFIXES[table];
    // Continue after the highest generated id, so repeated seeds never collide.
    const { rows } = await tx.query<{ n: unknown }>(
      `SELECT coalesce(max(substring(id FROM '^${prefix}-([0-9]+)$')::bigint), 0) AS n
         FROM records WHERE user_id = $1 AND table_name = $2`,
      [user.id, table],
    );
    const first = Number(rows[0]?.n ?? 0) + 1;
    const random = seededRandom(`${username}:${table}:${first}`);
    const records = await generate(tx, user.id, table, random, first, count);
    await insertRecords(tx, user.id, table, records);
    return records.map((record) => record.id);
  });
}

async function generate(
  tx: Queryable,
  userId: string,
  table: TableName,
  random: () => number,
  first: number,
  count: number,
): Promise<SeedRecord[]> {
  switch (table) {
    case 'customers':
      return generateCustomers(random, first, count);
    case 'products':
      return generateProducts(random, first, count);
    case 'workOrders': {
      const customerIds = await liveIds(tx, userId, 'customers');
      if (customerIds.length === 0)
        throw new ClientError(409, 'no customers to give work orders to');
      return generateWorkOrders(random, first, count, customerIds);
    }
    case 'workOrderLines': {
      const orderIds = await liveIds(tx, userId, 'workOrders');
      const productIds = await liveIds(tx, userId, 'products');
      if (orderIds.length === 0 || productIds.length === 0) {
        throw new ClientError(409, 'lines need at least one work order and one product');
      }
      return generateLines(random, first, count, orderIds, productIds);
    }
  }
}
