/**
 * Shared fixtures: one app per test file (never one per test: an in-memory PGlite costs seconds
 * to open), a small demo seed, and typed request helpers around `app.inject`.
 *
 * The store under the whole suite is PGlite, or PostgreSQL when SERVER_TEST_STORE=postgres and
 * TEST_DATABASE_URL names a throwaway database: every file then starts from an empty schema.
 */
import { after, before, beforeEach } from 'node:test';

import type { FastifyInstance } from 'fastify';
import type {
  LoginResponse,
  PullRequest,
  PullResponse,
  PushChange,
  PushResponse,
} from '../../contract/protocol';
import type { TableName } from '../../contract/tables';
import { buildApp, type AppOptions } from '../src/app';
import { resetRecords, type SeedCounts } from '../src/seed/seed';
import { openPostgres } from '../src/store/db';

/** Enough to page through and reference, small enough to re-seed between tests. */
export const SMALL_SEED: SeedCounts = { customers: 12, products: 8, workOrders: 10 };

export type TestStore = 'pglite' | 'postgres';

function readTestStore(): TestStore {
  const store = process.env['SERVER_TEST_STORE'] || 'pglite';
  if (store !== 'pglite' && store !== 'postgres') {
    throw new Error(`SERVER_TEST_STORE must be "pglite" or "postgres", got "${store}"`);
  }
  if (store === 'postgres' && !process.env['TEST_DATABASE_URL']) {
    throw new Error('SERVER_TEST_STORE=postgres needs TEST_DATABASE_URL (a throwaway database)');
  }
  return store;
}

/** The store this run of the suite uses; tests that need one of them skip on the other. */
export const TEST_STORE: TestStore = readTestStore();

/** The throwaway database, when this run is on PostgreSQL. */
export const TEST_DATABASE_URL =
  TEST_STORE === 'postgres' ? (process.env['TEST_DATABASE_URL'] as string) : undefined;

/**
 * Drops everything the previous test file left, migrations included, so each file starts as a
 * fresh deployment would: the next buildApp migrates and seeds from scratch.
 */
export async function wipeTestDatabase(url: string): Promise<void> {
  const db = openPostgres(url);
  try {
    await db.query('DROP SCHEMA public CASCADE');
    await db.query('CREATE SCHEMA public');
  } finally {
    await db.close();
  }
}

/** This run's store, as buildApp options; on PostgreSQL the database is wiped first. */
export async function testStoreOptions(): Promise<AppOptions> {
  if (!TEST_DATABASE_URL) return { dataDir: 'memory' };
  await wipeTestDatabase(TEST_DATABASE_URL);
  return { databaseUrl: TEST_DATABASE_URL };
}

export async function startTestApp(options: AppOptions = {}): Promise<FastifyInstance> {
  return buildApp({
    ...(options.db ? {} : await testStoreOptions()),
    mode: 'test',
    seed: SMALL_SEED,
    staticDir: null,
    ...options,
  });
}

/**
 * The file's app on a clock the tests move (`fixture.clock += …`), and more instances over its
 * database, as other processes behind a load balancer; all closed after the file. Each test
 * starts at the current time with no login attempts counted.
 */
export function appOnClock(options: AppOptions = {}) {
  const extra: FastifyInstance[] = [];
  const fixture = {
    app: undefined as unknown as FastifyInstance,
    clock: Date.now(),
    async instance(more: AppOptions): Promise<FastifyInstance> {
      const built = await buildApp({
        db: fixture.app.db,
        staticDir: null,
        now: () => fixture.clock,
        ...more,
      });
      extra.push(built);
      return built;
    },
  };
  before(async () => {
    fixture.app = await startTestApp({ now: () => fixture.clock, ...options });
  });
  after(async () => {
    for (const other of extra) await other.close();
    await fixture.app.close();
  });
  beforeEach(async () => {
    fixture.clock = Date.now();
    await fixture.app.db.query('DELETE FROM login_attempts');
  });
  return fixture;
}

/**
 * Back to the small demo data. Users and sessions stay (re-creating users costs scrypt time on
 * every test); tests that need a clean session state delete sessions themselves.
 */
export async function resetData(
  app: FastifyInstance,
  seed: SeedCounts | null = SMALL_SEED,
): Promise<void> {
  app.testState?.clear();
  await resetRecords(app.db, seed);
}

export interface ApiResponse<T> {
  status: number;
  body: T;
  headers: Record<string, unknown>;
}

export async function call<T = unknown>(
  app: FastifyInstance,
  method: 'GET' | 'POST' | 'DELETE',
  url: string,
  options: { token?: string; body?: unknown; rawBody?: string; contentType?: string } = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = {};
  if (options.token) headers['authorization'] = `Bearer ${options.token}`;
  let payload: string | undefined;
  if (options.rawBody !== undefined) payload = options.rawBody;
  else if (options.body !== undefined) payload = JSON.stringify(options.body);
  if (payload !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
  const response = await app.inject({ method, url, headers, payload });
  const text = response.body;
  return {
    status: response.statusCode,
    body: (text && response.headers['content-type']?.toString().includes('json')
      ? JSON.parse(text)
      : text) as T,
    headers: response.headers,
  };
}

export const PASSWORDS: Record<string, string> = { alice: 'alice-demo-pass', bob: 'bob-demo-pass' };

export async function login(app: FastifyInstance, username: string): Promise<LoginResponse> {
  const response = await call<LoginResponse>(app, 'POST', '/api/auth/login', {
    body: { username, password: PASSWORDS[username] },
  });
  if (response.status !== 200) throw new Error(`login ${username}: ${response.status}`);
  return response.body;
}

export async function pullOnce(
  app: FastifyInstance,
  token: string,
  request: PullRequest,
): Promise<PullResponse> {
  const response = await call<PullResponse>(app, 'POST', '/api/sync/pull', {
    token,
    body: request,
  });
  if (response.status !== 200)
    throw new Error(`pull: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

export async function push(
  app: FastifyInstance,
  token: string,
  changes: PushChange[],
): Promise<PushResponse> {
  const response = await call<PushResponse>(app, 'POST', '/api/sync/push', {
    token,
    body: { changes },
  });
  if (response.status !== 200)
    throw new Error(`push: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

let changeCounter = 0;

/** A change with a fresh changeId; override what the test is about. */
export function change(
  table: TableName,
  id: string,
  data: Record<string, unknown> | null,
  extra: Partial<PushChange> = {},
): PushChange {
  changeCounter += 1;
  return {
    table,
    id,
    changeId: `c-${process.pid}-${changeCounter}`,
    baseRev: null,
    deleted: false,
    data,
    ...extra,
  };
}

export const workOrder = (customerId = 'cus-000001', title = 'Fix the boiler') => ({
  title,
  customerId,
  status: 'open',
});

export const line = (workOrderId: string, productId = 'prd-000001', quantity = 2) => ({
  workOrderId,
  productId,
  quantity,
});

/**
 * Deleting a work order as a device that knows its lines does (rule 4): the lines' deletions
 * first, then the order's, for one batch. The order's result is the batch's last.
 */
export async function orderDeletion(
  app: FastifyInstance,
  userId: string,
  order: { id: string; rev: number },
): Promise<PushChange[]> {
  const { rows } = await app.db.query<{ id: string; rev: unknown }>(
    `SELECT id, rev FROM records
      WHERE user_id = $1 AND table_name = 'workOrderLines' AND NOT deleted
        AND data->>'workOrderId' = $2`,
    [userId, order.id],
  );
  return [
    ...rows.map((row) =>
      change('workOrderLines', row.id, null, { deleted: true, baseRev: Number(row.rev) }),
    ),
    change('workOrders', order.id, null, { deleted: true, baseRev: order.rev }),
  ];
}

/** Pulls one table from `checkpoint` until hasMore is false; returns every page's records. */
export async function pullAll(
  app: FastifyInstance,
  token: string,
  table: TableName,
  limit: number,
  checkpoint: string | null = null,
) {
  const records: PullResponse['tables'][number]['records'] = [];
  let current = checkpoint;
  for (let page = 0; page < 10_000; page++) {
    const response = await pullOnce(app, token, {
      tables: [{ table, checkpoint: current }],
      limit,
    });
    const result = response.tables[0]!;
    records.push(...result.records);
    current = result.checkpoint;
    if (!result.hasMore) return { records, checkpoint: current };
  }
  throw new Error('pullAll did not finish');
}

/**
 * Resolves when `app` has heard a change notification `matches` accepts (the caches first, then
 * this). Taken BEFORE the write it waits for: on PGlite the notification arrives while the
 * write runs, on PostgreSQL a moment after its COMMIT.
 */
export function notified(app: FastifyInstance, matches: (payload: string) => boolean) {
  return new Promise<string>((resolve) => {
    const stop = app.changes.watch((payload) => {
      if (!matches(payload)) return;
      stop();
      resolve(payload);
    });
  });
}
