/**
 * What a request costs the database, counted by wrapping the store: a pull with nothing to do is
 * one query after authentication, and a session checked in the last few seconds is none. And
 * what the session cache must never cost: a logout through the same instance and an expiry are
 * immediate; only a revocation elsewhere waits up to SESSION_CACHE_MS.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { PullRequest, PullResponse, SessionUser } from '../../contract/protocol';
import { SYNC_TABLES } from '../../contract/tables';
import { buildApp } from '../src/app';
import type { Db, Queryable } from '../src/store/db';
import { SESSION_CACHE_MS } from '../src/store/session-cache';
import { call, change, login, pullOnce, push, resetData, startTestApp, workOrder } from './helpers';

let owner: FastifyInstance;
let clock = Date.now();
const now = () => clock;
const counted = { queries: [] as string[] };

/** The owner's database, each statement (in a transaction too) recorded in `counted`. */
function countingDb(db: Db): Db {
  const counting = (target: Queryable): Queryable => ({
    query: (sql, params) => {
      counted.queries.push(sql.replace(/\s+/g, ' ').trim());
      return target.query(sql, params);
    },
  });
  return {
    ...counting(db),
    driver: db.driver,
    transaction: (fn) => db.transaction((tx) => fn(counting(tx))),
    close: async () => {},
  };
}

/** Queries that `work` ran, after clearing the record. */
async function queriesOf(work: () => Promise<unknown>): Promise<string[]> {
  counted.queries = [];
  await work();
  return counted.queries;
}

/** Another instance on the same database, with the test's clock. */
const instance = () =>
  buildApp({ db: countingDb(owner.db), staticDir: null, now, sessionTtlMs: 60_000 });

before(async () => {
  owner = await startTestApp();
});
after(() => owner.close());
beforeEach(() => resetData(owner));

/** Pulls every table until nothing is left; the request that then has nothing to do. */
async function caughtUp(app: FastifyInstance, token: string): Promise<PullRequest> {
  let request: PullRequest = {
    tables: SYNC_TABLES.map(({ name }) => ({ table: name, checkpoint: null })),
    limit: 5_000,
  };
  for (;;) {
    const page = await pullOnce(app, token, request);
    request = { tables: page.tables.map(({ table, checkpoint }) => ({ table, checkpoint })) };
    if (!page.tables.some((table) => table.hasMore)) return request;
  }
}

describe('the cost of a request', () => {
  let app: FastifyInstance;
  before(async () => (app = await instance()));
  after(() => app.close());

  test('a no-op pull is one query after authentication; a cached session costs none', async () => {
    const { token } = await login(app, 'alice');
    const noop = await caughtUp(app, token);

    const me = await queriesOf(async () => {
      const response = await call<SessionUser>(app, 'GET', '/api/auth/me', { token });
      assert.equal(response.status, 200);
      assert.equal(response.body.username, 'alice');
    });
    assert.deepEqual(me, [], 'a session checked moments ago is not read again');

    let answer: PullResponse | undefined;
    const pull = await queriesOf(async () => (answer = await pullOnce(app, token, noop)));
    assert.equal(pull.length, 1, pull.join('\n'));
    assert.deepEqual(
      answer?.tables.map(({ table, checkpoint, records, hasMore }) => ({
        table,
        checkpoint,
        records: records.length,
        hasMore,
      })),
      noop.tables.map(({ table, checkpoint }) => ({
        table,
        checkpoint,
        records: 0,
        hasMore: false,
      })),
    );

    // Once the cache's time is up, the session is checked again: one query more, once.
    clock += SESSION_CACHE_MS;
    assert.equal((await queriesOf(() => pullOnce(app, token, noop))).length, 2);
    assert.equal((await queriesOf(() => pullOnce(app, token, noop))).length, 1);
  });

  test('a pull reads pages only of the tables that changed', async () => {
    const { token } = await login(app, 'alice');
    const noop = await caughtUp(app, token);
    await push(owner, token, [change('workOrders', 'wo-cost', workOrder())]);
    let answer: PullResponse | undefined;
    const pull = await queriesOf(async () => (answer = await pullOnce(app, token, noop)));
    assert.equal(pull.length, 2, pull.join('\n'));
    const changed = answer?.tables.filter((table) => table.records.length > 0);
    assert.deepEqual(
      changed?.map((table) => [table.table, table.records.map((record) => record.id)]),
      [['workOrders', ['wo-cost']]],
    );
  });
});

describe('cached sessions', () => {
  let here: FastifyInstance;
  let elsewhere: FastifyInstance;
  before(async () => {
    here = await instance();
    elsewhere = await instance();
  });
  after(async () => {
    await here.close();
    await elsewhere.close();
  });

  const me = (app: FastifyInstance, token: string) =>
    call(app, 'GET', '/api/auth/me', { token }).then((response) => response.status);

  test('a logout is immediate on its instance, and seen elsewhere within the cache delay', async () => {
    const { token } = await login(here, 'bob');
    assert.equal(await me(here, token), 200);
    assert.equal(await me(elsewhere, token), 200);
    assert.equal((await call(here, 'POST', '/api/auth/logout', { token })).status, 204);
    assert.equal(await me(here, token), 401);
    // The documented delay: another instance checked this session less than 5 s ago.
    clock += SESSION_CACHE_MS - 1;
    assert.equal(await me(elsewhere, token), 200);
    clock += 1;
    assert.equal(await me(elsewhere, token), 401);
  });

  test('an expired session is refused at once, cached or not', async () => {
    const { token } = await login(here, 'bob');
    clock += 60_000 - 1;
    assert.equal(await me(here, token), 200);
    clock += 1;
    assert.equal(await me(here, token), 401);
  });
});
