/**
 * The pull-head cache (store/head-cache.ts) and what keeps it true (store/change-feed.ts): a
 * cached counter answers a no-op pull, another instance's write drops it by notification, and
 * without notifications (the LISTEN connection lost) nothing is answered from memory until the
 * connection is back.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { PullRequest } from '../../contract/protocol';
import { SYNC_TABLES } from '../../contract/tables';
import { buildApp } from '../src/app';
import type { Db, NotificationHandlers } from '../src/store/db';
import { HeadCache } from '../src/store/head-cache';
import {
  change,
  login,
  notified,
  pullOnce,
  push,
  resetData,
  startTestApp,
  TEST_DATABASE_URL,
  workOrder,
} from './helpers';

describe('HeadCache', () => {
  let clock = 0;
  const head = (latest: number) => ({ epoch: 'e1', latest });
  const live = () => {
    const cache = new HeadCache(() => clock, { ttlMs: 5_000 });
    cache.resume();
    return cache;
  };

  test('answers a remembered head until its time is up', () => {
    const cache = live();
    cache.remember('u1', head(7), cache.ticket());
    clock += 4_999;
    assert.deepEqual(cache.get('u1'), head(7));
    clock += 1;
    assert.equal(cache.get('u1'), undefined);
  });

  test('never keeps a head read before an invalidation of that user or of everyone', () => {
    const cache = live();
    const early = cache.ticket();
    cache.invalidate('u1');
    cache.remember('u1', head(7), early);
    assert.equal(cache.get('u1'), undefined, 'the read may predate the notified write');
    cache.remember('u2', head(3), early);
    assert.deepEqual(cache.get('u2'), head(3), 'another user was not invalidated');
    const beforeClear = cache.ticket();
    cache.clear();
    cache.remember('u2', head(3), beforeClear);
    assert.equal(cache.get('u2'), undefined);
  });

  test('while paused (notifications may be missed) it neither keeps nor answers', () => {
    const cache = live();
    cache.remember('u1', head(7), cache.ticket());
    cache.pause();
    assert.equal(cache.get('u1'), undefined);
    cache.remember('u1', head(7), cache.ticket());
    cache.resume();
    assert.equal(cache.get('u1'), undefined, 'resumed empty');
  });
});

/** A store whose notifications the test can cut, as a dropped LISTEN connection would. */
function cuttableDb(db: Db) {
  const listening: { handlers: NotificationHandlers; stop: () => Promise<void> }[] = [];
  const wrapped: Db = {
    driver: db.driver,
    query: (sql, params, options) => db.query(sql, params, options),
    transaction: (fn) => db.transaction(fn),
    async listen(channel, handlers) {
      const stop = await db.listen!(channel, handlers);
      listening.push({ handlers, stop });
      return stop;
    },
    close: async () => {},
  };
  const cut = async () => {
    for (const { handlers, stop } of listening.splice(0)) {
      await stop();
      handlers.lost(new Error('cut by the test'));
    }
  };
  return { db: wrapped, cut };
}

describe('a cached head across instances', () => {
  let owner: FastifyInstance;
  let other: FastifyInstance;
  let cuttable: FastifyInstance;
  let cut: () => Promise<void>;
  /** Retries of the cuttable instance's lost connection, run when a test says so. */
  const retries: (() => void)[] = [];

  before(async () => {
    owner = await startTestApp();
    // On PostgreSQL a separate instance: its own pool and its own LISTEN connection.
    other = await buildApp(
      TEST_DATABASE_URL
        ? { databaseUrl: TEST_DATABASE_URL, staticDir: null }
        : { db: owner.db, staticDir: null },
    );
    const wrapper = cuttableDb(owner.db);
    cut = wrapper.cut;
    cuttable = await buildApp({
      db: wrapper.db,
      staticDir: null,
      changeFeedRetry: (retry) => retries.push(retry),
    });
  });
  after(async () => {
    for (const app of [cuttable, other, owner]) await app.close();
  });
  beforeEach(() => resetData(owner));

  async function caughtUp(app: FastifyInstance, token: string): Promise<PullRequest> {
    const request: PullRequest = {
      tables: SYNC_TABLES.map(({ name }) => ({ table: name, checkpoint: null })),
      limit: 5_000,
    };
    const page = await pullOnce(app, token, request);
    assert.ok(!page.tables.some((table) => table.hasMore));
    return { tables: page.tables.map(({ table, checkpoint }) => ({ table, checkpoint })) };
  }

  const ids = (answer: Awaited<ReturnType<typeof pullOnce>>) =>
    answer.tables.flatMap((table) => table.records.map((record) => record.id));

  test("a write through another instance reaches this one's cached head by notification", async () => {
    const { token } = await login(other, 'alice');
    const noop = await caughtUp(other, token);
    assert.deepEqual(ids(await pullOnce(other, token, noop)), []);
    const heard = notified(other, (payload) => payload.startsWith('rev:'));
    await push(owner, token, [change('workOrders', 'wo-elsewhere', workOrder())]);
    await heard;
    assert.deepEqual(ids(await pullOnce(other, token, noop)), ['wo-elsewhere']);
  });

  test('without its LISTEN connection an instance answers from the database, then caches again', async () => {
    const { token } = await login(cuttable, 'alice');
    const noop = await caughtUp(cuttable, token);
    assert.ok(cuttable.heads.isLive);
    await cut();
    assert.equal(cuttable.heads.isLive, false);
    assert.equal(retries.length, 1, 'a new connection is tried later');
    // This write's notification can't reach it: the database answers, and sees the write.
    await push(owner, token, [change('workOrders', 'wo-unheard', workOrder())]);
    const answer = await pullOnce(cuttable, token, noop);
    assert.deepEqual(ids(answer), ['wo-unheard']);

    const back = notified(cuttable, (payload) => payload === '');
    retries.shift()!();
    await back;
    assert.ok(cuttable.heads.isLive, 'listening again');
    const next = { tables: answer.tables.map(({ table, checkpoint }) => ({ table, checkpoint })) };
    assert.deepEqual(ids(await pullOnce(cuttable, token, next)), []);
    const userId = (
      await owner.db.query<{ id: string }>("SELECT id FROM users WHERE username = 'alice'")
    ).rows[0]!.id;
    assert.ok(cuttable.heads.get(userId), 'the head is cached again');
  });
});

describe('a LISTEN connection PostgreSQL drops', { skip: !TEST_DATABASE_URL }, () => {
  let app: FastifyInstance;
  const retries: (() => void)[] = [];
  before(async () => {
    app = await startTestApp({ changeFeedRetry: (retry) => retries.push(retry) });
  });
  after(() => app.close());

  test('pauses the cache at once and listens again on the retry', async () => {
    assert.ok(app.heads.isLive);
    const lost = notified(app, (payload) => payload === '');
    await app.db.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE pid <> pg_backend_pid() AND query LIKE 'LISTEN %'`,
    );
    await lost;
    assert.equal(app.heads.isLive, false);
    assert.equal(retries.length, 1);
    const back = notified(app, (payload) => payload === '');
    retries.shift()!();
    await back;
    assert.ok(app.heads.isLive);
  });
});
