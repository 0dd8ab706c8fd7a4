/**
 * What a request costs the database, counted by wrapping the store: a pull with nothing to do
 * costs no query while the user's counter is cached, and one indexed read of the user's row
 * (touching no record) when it isn't; a session checked in the last few seconds costs none.
 * And what the caches must never cost: a logout, a revocation or a disabling elsewhere reaches
 * every instance by the database's notification; without notifications within SESSION_CACHE_MS.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { PullRequest, PullResponse, SessionUser } from '../../contract/protocol';
import { SYNC_TABLES } from '../../contract/tables';
import { buildApp } from '../src/app';
import { disableAccount } from '../src/store/accounts';
import { hashToken } from '../src/store/credentials';
import type { Db, Queryable, SqlParam } from '../src/store/db';
import { PULL_HEAD_CACHE_MS } from '../src/store/head-cache';
import { currentRevision, encodeCheckpoint } from '../src/store/records';
import { SESSION_CACHE_MS } from '../src/store/session-cache';
import {
  call,
  change,
  login,
  notified,
  pullOnce,
  push,
  resetData,
  startTestApp,
  workOrder,
} from './helpers';

let owner: FastifyInstance;
let clock = Date.now();
const now = () => clock;
interface Statement {
  readonly sql: string;
  readonly params: readonly SqlParam[];
}
const counted = { queries: [] as Statement[] };

/**
 * The owner's database, each statement (in a transaction too) recorded in `counted`; with
 * `listening`, it passes the database's notifications on, as the real store does.
 */
function countingDb(db: Db, listening: boolean): Db {
  const counting = (target: Queryable): Queryable => ({
    query: (sql, params, options) => {
      counted.queries.push({ sql: sql.replace(/\s+/g, ' ').trim(), params: params ?? [] });
      return target.query(sql, params, options);
    },
  });
  return {
    ...counting(db),
    driver: db.driver,
    transaction: (fn) => db.transaction((tx) => fn(counting(tx))),
    listen: listening ? db.listen?.bind(db) : undefined,
    close: async () => {},
  };
}

/** Queries that `work` ran, after clearing the record. */
async function queriesOf(work: () => Promise<unknown>): Promise<Statement[]> {
  counted.queries = [];
  await work();
  return counted.queries;
}

const texts = (statements: readonly Statement[]) => statements.map(({ sql }) => sql).join('\n');

/** Another instance on the same database, with the test's clock; notified unless told not. */
const instance = (listening = true) =>
  buildApp({
    db: countingDb(owner.db, listening),
    staticDir: null,
    now,
    sessionTtlMs: 60_000,
  });

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

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Actual Loops'?: number;
  Plans?: PlanNode[];
}

/** Every node of the statement's executed plan. */
async function executedPlan({ sql, params }: Statement): Promise<PlanNode[]> {
  const { rows } = await owner.db.query<{ 'QUERY PLAN': unknown }>(
    `EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`,
    params,
  );
  const raw = rows[0]?.['QUERY PLAN'];
  const parsed = (typeof raw === 'string' ? JSON.parse(raw) : raw) as { Plan: PlanNode }[];
  const nodes: PlanNode[] = [];
  const walk = (node: PlanNode) => {
    nodes.push(node);
    node.Plans?.forEach(walk);
  };
  walk(parsed[0]!.Plan);
  return nodes;
}

describe('the cost of a request', () => {
  let app: FastifyInstance;
  before(async () => (app = await instance()));
  after(() => app.close());

  test('a no-op pull costs no query with the counter cached, else one read touching no record', async () => {
    const { token } = await login(app, 'alice');
    const noop = await caughtUp(app, token);
    const userId = (await call<SessionUser>(app, 'GET', '/api/auth/me', { token })).body.id;
    const counter = encodeCheckpoint(await currentRevision(owner.db, userId));
    // Counter checkpoints: every table read to its end stands at the user's counter.
    assert.deepEqual(
      noop.tables.map(({ checkpoint }) => checkpoint),
      noop.tables.map(() => counter),
    );

    const me = await queriesOf(async () => {
      const response = await call<SessionUser>(app, 'GET', '/api/auth/me', { token });
      assert.equal(response.status, 200);
      assert.equal(response.body.username, 'alice');
    });
    assert.deepEqual(me, [], 'a session checked moments ago is not read again');

    let answer: PullResponse | undefined;
    const pull = async () => (answer = await pullOnce(app, token, noop));
    assert.deepEqual(await queriesOf(pull), [], 'the counter read by the last pull is cached');
    const nothing = noop.tables.map(({ table, checkpoint }) => ({
      table,
      checkpoint,
      records: 0,
      hasMore: false,
    }));
    const shape = (response?: PullResponse) =>
      response?.tables.map(({ table, checkpoint, records, hasMore }) => ({
        table,
        checkpoint,
        records: records.length,
        hasMore,
      }));
    assert.deepEqual(shape(answer), nothing);

    // Past both caches' time: the session, then one statement whose plan touches no record.
    clock += Math.max(PULL_HEAD_CACHE_MS, SESSION_CACHE_MS);
    const cold = await queriesOf(pull);
    assert.equal(cold.length, 2, texts(cold));
    assert.match(cold[0]!.sql, /FROM sessions/);
    assert.deepEqual(shape(answer), nothing);
    const plan = await executedPlan(cold[1]!);
    const onRecords = plan.filter((node) => node['Relation Name'] === 'records');
    assert.ok(onRecords.length > 0, 'the plan has the probe for tables behind the counter');
    for (const node of onRecords) {
      assert.equal(node['Actual Loops'], 0, `${node['Node Type']} on records ran`);
    }
    assert.deepEqual(await queriesOf(pull), [], 'and then it is cached again');
  });

  test('a pull reads pages only of the tables that changed', async () => {
    const { token } = await login(app, 'alice');
    const noop = await caughtUp(app, token);
    const heard = notified(app, (payload) => payload.startsWith('rev:'));
    await push(owner, token, [change('workOrders', 'wo-cost', workOrder())]);
    await heard;
    let answer: PullResponse | undefined;
    const pull = await queriesOf(async () => (answer = await pullOnce(app, token, noop)));
    assert.equal(pull.length, 2, texts(pull));
    const changed = answer?.tables.filter((table) => table.records.length > 0);
    assert.deepEqual(
      changed?.map((table) => [table.table, table.records.map((record) => record.id)]),
      [['workOrders', ['wo-cost']]],
    );
    // Every table, changed or not, now stands at the new counter.
    const checkpoints = new Set(answer?.tables.map(({ checkpoint }) => checkpoint));
    assert.deepEqual([...checkpoints], [`r:${changed?.[0]?.records[0]?.rev}`]);
  });
});

describe('cached sessions', () => {
  let here: FastifyInstance;
  let elsewhere: FastifyInstance;
  /** An instance that hears no notification (its LISTEN connection down, say). */
  let deaf: FastifyInstance;
  before(async () => {
    here = await instance();
    elsewhere = await instance();
    deaf = await instance(false);
  });
  after(async () => {
    for (const app of [here, elsewhere, deaf]) await app.close();
  });

  const me = (app: FastifyInstance, token: string) =>
    call(app, 'GET', '/api/auth/me', { token }).then((response) => response.status);
  /** The notification that this token's session was revoked. */
  const revoked = (token: string) => (payload: string) => payload === `session:${hashToken(token)}`;

  test('a logout is immediate on its instance, and reaches the others by notification', async () => {
    const { token } = await login(here, 'bob');
    for (const app of [here, elsewhere, deaf]) assert.equal(await me(app, token), 200);
    const heard = notified(elsewhere, revoked(token));
    assert.equal((await call(here, 'POST', '/api/auth/logout', { token })).status, 204);
    assert.equal(await me(here, token), 401);
    await heard;
    assert.equal(await me(elsewhere, token), 401, 'no clock moved: the notification did it');
    // Without notifications, the documented delay: checked less than 5 s ago, still accepted.
    clock += SESSION_CACHE_MS - 1;
    assert.equal(await me(deaf, token), 200);
    clock += 1;
    assert.equal(await me(deaf, token), 401);
  });

  test('disabling a user (npm run users -- disable) reaches cached sessions at once', async () => {
    const { token } = await login(here, 'bob');
    for (const app of [here, elsewhere]) assert.equal(await me(app, token), 200);
    const heard = [here, elsewhere].map((app) => notified(app, revoked(token)));
    // What the operators' command runs, on its own connection to the store.
    await disableAccount(owner.db, 'bob');
    await Promise.all(heard);
    for (const app of [here, elsewhere]) assert.equal(await me(app, token), 401);
    await owner.db.query('UPDATE users SET disabled = false');
  });

  test('a user disabled by hand in the database (sessions left alone) is refused too', async () => {
    const { token, user } = await login(here, 'bob');
    assert.equal(await me(elsewhere, token), 200);
    const heard = notified(elsewhere, (payload) => payload === `user:${user.id}`);
    await owner.db.query("UPDATE users SET disabled = true WHERE username = 'bob'");
    await heard;
    assert.equal(await me(elsewhere, token), 401);
    await owner.db.query('UPDATE users SET disabled = false');
  });

  test('an expired session is refused at once, cached or not', async () => {
    const { token } = await login(here, 'bob');
    clock += 60_000 - 1;
    assert.equal(await me(here, token), 200);
    clock += 1;
    assert.equal(await me(here, token), 401);
  });
});
