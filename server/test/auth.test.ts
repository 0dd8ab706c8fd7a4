import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { LoginResponse, ManifestResponse, PullResponse } from '../../contract/protocol';
import { call, login, resetData, startTestApp } from './helpers';

let app: FastifyInstance;
let clock = Date.now();

before(async () => {
  app = await startTestApp({ now: () => clock, sessionTtlMs: 60_000 });
});
after(() => app.close());
beforeEach(async () => {
  clock = Date.now();
  await resetData(app);
});

const SYNC_ROUTES = [
  ['GET', '/api/sync/manifest', undefined],
  ['POST', '/api/sync/pull', { tables: [] }],
  ['POST', '/api/sync/push', { changes: [] }],
] as const;

describe('login', () => {
  test('answers a token, its expiry and the user', async () => {
    const response = await call<LoginResponse>(app, 'POST', '/api/auth/login', {
      body: { username: 'alice', password: 'alice-demo-pass' },
    });
    assert.equal(response.status, 200);
    assert.match(response.body.token, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(response.body.expiresAt, clock + 60_000);
    assert.deepEqual(
      { name: response.body.user.name, username: response.body.user.username },
      { name: 'Alice Andersen', username: 'alice' },
    );
  });

  test('stores only a hash of the token', async () => {
    const { token } = await login(app, 'alice');
    const { rows } = await app.db.query<{ token_hash: string }>('SELECT token_hash FROM sessions');
    assert.ok(rows.length > 0);
    assert.ok(
      rows.every((row) => row.token_hash !== token && /^[0-9a-f]{64}$/.test(row.token_hash)),
    );
  });

  test('a wrong password and an unknown user get the same 401', async () => {
    const wrong = await call(app, 'POST', '/api/auth/login', {
      body: { username: 'alice', password: 'nope' },
    });
    const unknown = await call(app, 'POST', '/api/auth/login', {
      body: { username: 'mallory', password: 'nope' },
    });
    assert.equal(wrong.status, 401);
    assert.deepEqual(unknown, { ...wrong, headers: unknown.headers });
    assert.deepEqual(wrong.body, {
      statusCode: 401,
      error: 'Unauthorized',
      message: 'unknown username or wrong password',
    });
  });

  test('a login body of the wrong shape is a 400', async () => {
    const response = await call<{ message: string }>(app, 'POST', '/api/auth/login', {
      body: { username: 'alice', password: 42 },
    });
    assert.equal(response.status, 400);
    assert.equal(response.body.message, 'body/password must be string');
  });
});

describe('bearer tokens', () => {
  for (const [method, url, body] of SYNC_ROUTES) {
    test(`${method} ${url} without a token is a 401`, async () => {
      const response = await call(app, method, url, { body });
      assert.equal(response.status, 401);
      assert.equal(response.headers['www-authenticate'], 'Bearer');
      assert.deepEqual(Object.keys(response.body as object).sort(), [
        'error',
        'message',
        'statusCode',
      ]);
    });
  }

  test('an unknown token and a malformed header are 401s', async () => {
    const unknown = await call(app, 'GET', '/api/sync/manifest', { token: 'x'.repeat(43) });
    assert.equal(unknown.status, 401);
    const basic = await app.inject({
      method: 'GET',
      url: '/api/sync/manifest',
      headers: { authorization: 'Basic YWxpY2U6YWxpY2U=' },
    });
    assert.equal(basic.statusCode, 401);
  });

  test('logout revokes the token server-side', async () => {
    const { token } = await login(app, 'alice');
    assert.equal((await call(app, 'GET', '/api/sync/manifest', { token })).status, 200);
    assert.equal((await call(app, 'POST', '/api/auth/logout', { token })).status, 204);
    assert.equal((await call(app, 'GET', '/api/sync/manifest', { token })).status, 401);
    assert.equal((await call(app, 'POST', '/api/auth/logout', { token })).status, 401);
  });

  test('logout ends only that session', async () => {
    const first = await login(app, 'alice');
    const second = await login(app, 'alice');
    await call(app, 'POST', '/api/auth/logout', { token: first.token });
    assert.equal(
      (await call(app, 'GET', '/api/sync/manifest', { token: second.token })).status,
      200,
    );
  });

  test('an expired token is a 401', async () => {
    const { token } = await login(app, 'alice');
    clock += 59_000;
    assert.equal((await call(app, 'GET', '/api/sync/manifest', { token })).status, 200);
    clock += 1_000;
    const expired = await call<{ message: string }>(app, 'GET', '/api/sync/manifest', { token });
    assert.equal(expired.status, 401);
    assert.equal(expired.body.message, 'invalid or expired session: log in again');
  });
});

describe('isolation between users', () => {
  test('each user sees only their own counts and records', async () => {
    const alice = await login(app, 'alice');
    const bob = await login(app, 'bob');
    await app.db.query(`DELETE FROM records WHERE user_id = $1 AND table_name = 'workOrderLines'`, [
      bob.user.id,
    ]);
    const manifest = async (token: string) =>
      (await call<ManifestResponse>(app, 'GET', '/api/sync/manifest', { token })).body.tables;
    const aliceLines = (await manifest(alice.token)).find((t) => t.name === 'workOrderLines')!;
    const bobLines = (await manifest(bob.token)).find((t) => t.name === 'workOrderLines')!;
    assert.ok(aliceLines.count > 0);
    assert.equal(bobLines.count, 0);

    const pulled = await call<PullResponse>(app, 'POST', '/api/sync/pull', {
      token: bob.token,
      body: { tables: [{ table: 'workOrderLines', checkpoint: null }] },
    });
    assert.deepEqual(pulled.body.tables[0]?.records, []);
  });

  test("pushing alice's ids creates bob's own record or conflicts with bob's", async () => {
    const alice = await login(app, 'alice');
    const bob = await login(app, 'bob');
    const order = { title: 'Alice edits', customerId: 'cus-000001', status: 'open' };
    const mine = await app.db.query<{ rev: unknown }>(
      `SELECT rev FROM records WHERE user_id = $1 AND id = 'wo-000001'`,
      [alice.user.id],
    );
    const edit = await call<{ results: { rev: number }[] }>(app, 'POST', '/api/sync/push', {
      token: alice.token,
      body: {
        changes: [
          {
            table: 'workOrders',
            id: 'wo-000001',
            changeId: 'alice-1',
            baseRev: Number(mine.rows[0]?.rev),
            deleted: false,
            data: order,
          },
        ],
      },
    });
    const aliceRev = edit.body.results[0]!.rev;
    const before = await app.db.query(
      'SELECT rev, data FROM records WHERE user_id = $1 ORDER BY table_name, id',
      [alice.user.id],
    );
    const hijack = { title: 'Hijack', customerId: 'cus-000001', status: 'open' };
    const pushed = await call<{
      results: { status: string; server?: { rev: number; data: unknown } }[];
    }>(app, 'POST', '/api/sync/push', {
      token: bob.token,
      body: {
        changes: [
          // Alice's current revision: bob's copy of wo-000001 is at another one.
          {
            table: 'workOrders',
            id: 'wo-000001',
            changeId: 'bob-1',
            baseRev: aliceRev,
            deleted: false,
            data: hijack,
          },
          {
            table: 'workOrders',
            id: 'alice-only-id',
            changeId: 'bob-2',
            baseRev: null,
            deleted: false,
            data: hijack,
          },
        ],
      },
    });
    assert.deepEqual(
      pushed.body.results.map((result) => result.status),
      ['conflict', 'applied'],
    );
    const bobsOwn = await app.db.query<{ rev: unknown; data: unknown }>(
      `SELECT rev, data FROM records WHERE user_id = $1 AND id = 'wo-000001'`,
      [bob.user.id],
    );
    assert.equal(pushed.body.results[0]?.server?.rev, Number(bobsOwn.rows[0]?.rev));
    assert.deepEqual(pushed.body.results[0]?.server?.data, bobsOwn.rows[0]?.data);
    const after = await app.db.query(
      'SELECT rev, data FROM records WHERE user_id = $1 ORDER BY table_name, id',
      [alice.user.id],
    );
    assert.deepEqual(after.rows, before.rows);
  });

  test("a changeId alice used does not replay alice's result to bob", async () => {
    const alice = await login(app, 'alice');
    const bob = await login(app, 'bob');
    const body = (title: string) => ({
      changes: [
        {
          table: 'workOrders',
          id: 'shared-id',
          changeId: 'same-change-id',
          baseRev: null,
          deleted: false,
          data: { title, customerId: 'cus-000002', status: 'open' },
        },
      ],
    });
    const a = await call<{ results: { rev: number }[] }>(app, 'POST', '/api/sync/push', {
      token: alice.token,
      body: body('alice'),
    });
    const b = await call<{ results: { status: string }[] }>(app, 'POST', '/api/sync/push', {
      token: bob.token,
      body: body('bob'),
    });
    assert.equal(b.body.results[0]?.status, 'applied');
    const rows = await app.db.query<{ user_id: string; data: { title: string } }>(
      `SELECT user_id, data FROM records WHERE id = 'shared-id' ORDER BY data->>'title'`,
    );
    assert.deepEqual(
      rows.rows.map((row) => [row.user_id, row.data.title]),
      [
        [alice.user.id, 'alice'],
        [bob.user.id, 'bob'],
      ],
    );
    assert.ok(a.body.results[0]?.rev);
  });
});
