import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { JournalEntry, ManifestResponse, PushResponse } from '../../contract/protocol';
import {
  call,
  change,
  login,
  pullAll,
  push,
  resetData,
  SMALL_SEED,
  startTestApp,
  workOrder,
} from './helpers';

let app: FastifyInstance;
let token: string;

before(async () => {
  app = await startTestApp();
});
after(() => app.close());
beforeEach(async () => {
  await resetData(app);
  token = (await login(app, 'alice')).token;
});

const manifest = () => call<ManifestResponse>(app, 'GET', '/api/sync/manifest', { token });
const journal = async () => (await call<JournalEntry[]>(app, 'GET', '/api/test/requests')).body;
const addFaults = (body: unknown) => call(app, 'POST', '/api/test/faults', { body });

describe('faults', () => {
  test('fail: the next `count` sync requests get that status, then service resumes', async () => {
    assert.equal((await addFaults({ mode: 'fail', status: 503, count: 2 })).status, 200);
    const first = await manifest();
    assert.equal(first.status, 503);
    assert.deepEqual(first.body, {
      statusCode: 503,
      error: 'Service Unavailable',
      message: 'injected fault: 503',
    });
    const pulled = await call(app, 'POST', '/api/sync/pull', { token, body: { tables: [] } });
    assert.equal(pulled.status, 503);
    assert.equal((await manifest()).status, 200);
  });

  test('auth, test routes and unauthenticated requests do not use faults up', async () => {
    await addFaults({ mode: 'fail', status: 500, count: 1 });
    await login(app, 'bob');
    await call(app, 'GET', '/api/test/faults');
    assert.equal((await call(app, 'GET', '/api/sync/manifest')).status, 401);
    assert.equal((await manifest()).status, 500);
  });

  test('a list of faults is applied in order; delay answers normally, late', async () => {
    await addFaults([
      { mode: 'fail', status: 502, count: 1 },
      { mode: 'delay', ms: 250, count: 1 },
    ]);
    assert.equal((await manifest()).status, 502);
    const started = Date.now();
    assert.equal((await manifest()).status, 200);
    assert.ok(Date.now() - started >= 240, 'the delay was applied');
    const pending = await call<{ pending: unknown[] }>(app, 'GET', '/api/test/faults');
    assert.deepEqual(pending.body.pending, []);
  });

  test('DELETE /api/test/faults clears the queue', async () => {
    await addFaults({ mode: 'fail', status: 503, count: 5 });
    assert.equal((await call(app, 'DELETE', '/api/test/faults')).status, 204);
    assert.equal((await manifest()).status, 200);
  });

  test('a fault spec that makes no sense is a 400', async () => {
    for (const body of [
      { mode: 'fail', status: 200, count: 1 },
      { mode: 'delay', count: 1 },
      { mode: 'explode', count: 1 },
      { mode: 'drop', count: 0 },
      [],
    ]) {
      assert.equal((await addFaults(body)).status, 400, JSON.stringify(body));
    }
  });

  test('drop: the connection dies mid-response, the push was applied, a re-send is idempotent', async () => {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    assert.ok(address && typeof address === 'object');
    const base = `http://127.0.0.1:${address.port}`;
    await addFaults({ mode: 'drop', count: 1 });
    const body = JSON.stringify({ changes: [change('workOrders', 'wo-dropped', workOrder())] });
    const send = async () => {
      const response = await fetch(`${base}/api/sync/push`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body,
      });
      return (await response.json()) as PushResponse;
    };
    await assert.rejects(send());
    const again = await send();
    assert.equal(again.results[0]?.status, 'applied');
    const { records } = await pullAll(app, token, 'workOrders', 1000);
    assert.equal(records.filter((record) => record.id === 'wo-dropped').length, 1);
    const entries = (await journal()).filter((entry) => entry.path === '/api/sync/push');
    assert.deepEqual(
      entries.map((entry) => entry.status),
      [0, 200],
    );
  });
});

describe('journal', () => {
  test('records every sync request with user, path, status, times and pulled checkpoints', async () => {
    await call(app, 'DELETE', '/api/test/requests');
    const before = Date.now();
    await manifest();
    await call(app, 'POST', '/api/sync/pull', {
      token,
      body: {
        tables: [
          { table: 'products', checkpoint: null },
          { table: 'customers', checkpoint: 'r:3' },
        ],
      },
    });
    await call(app, 'GET', '/api/sync/manifest');
    await login(app, 'bob');
    const entries = await journal();
    assert.deepEqual(
      entries.map(({ username, path, status }) => ({ username, path, status })),
      [
        { username: 'alice', path: '/api/sync/manifest', status: 200 },
        { username: 'alice', path: '/api/sync/pull', status: 200 },
        { username: '', path: '/api/sync/manifest', status: 401 },
      ],
    );
    assert.deepEqual(entries[1]?.tables, [
      { table: 'products', checkpoint: null },
      { table: 'customers', checkpoint: 'r:3' },
    ]);
    for (const entry of entries) {
      assert.ok(
        entry.startedAt >= before &&
          entry.endedAt >= entry.startedAt &&
          entry.endedAt <= Date.now(),
      );
    }
    assert.equal((await call(app, 'DELETE', '/api/test/requests')).status, 204);
    assert.deepEqual(await journal(), []);
  });
});

describe('reject', () => {
  test('the next N pushes of that record are rejected, then it applies', async () => {
    const armed = await call(app, 'POST', '/api/test/reject', {
      body: { username: 'alice', table: 'workOrders', id: 'wo-r', count: 2 },
    });
    assert.equal(armed.status, 204);
    for (let i = 0; i < 2; i++) {
      const result = (await push(app, token, [change('workOrders', 'wo-r', workOrder())]))
        .results[0];
      assert.deepEqual(result && 'reason' in result && result.reason, 'rejected by test fault');
    }
    assert.equal(
      (await push(app, token, [change('workOrders', 'wo-r', workOrder())])).results[0]?.status,
      'applied',
    );
  });

  test("bob's rule does not touch alice's record; an unknown user is a 404", async () => {
    await call(app, 'POST', '/api/test/reject', {
      body: { username: 'bob', table: 'workOrders', id: 'wo-s', count: 1 },
    });
    assert.equal(
      (await push(app, token, [change('workOrders', 'wo-s', workOrder())])).results[0]?.status,
      'applied',
    );
    const unknown = await call(app, 'POST', '/api/test/reject', {
      body: { username: 'carol', table: 'workOrders', id: 'x', count: 1 },
    });
    assert.equal(unknown.status, 404);
  });
});

describe('seed', () => {
  test('adds generated records to one user’s table; lines reference live records', async () => {
    const seeded = await call<{ inserted: number; firstId: string; lastId: string }>(
      app,
      'POST',
      '/api/test/seed',
      {
        body: { username: 'alice', table: 'workOrderLines', count: 40 },
      },
    );
    assert.equal(seeded.status, 200);
    assert.equal(seeded.body.inserted, 40);
    const { records } = await pullAll(app, token, 'workOrderLines', 1000);
    const orders = new Set(
      (await pullAll(app, token, 'workOrders', 1000)).records.map((r) => r.id),
    );
    const products = new Set(
      (await pullAll(app, token, 'products', 1000)).records.map((r) => r.id),
    );
    for (const record of records) {
      assert.ok(orders.has(record.data!['workOrderId'] as string));
      assert.ok(products.has(record.data!['productId'] as string));
    }
    const more = await call<{ firstId: string }>(app, 'POST', '/api/test/seed', {
      body: { username: 'alice', table: 'customers', count: 3 },
    });
    assert.equal(more.body.firstId, `cus-${String(SMALL_SEED.customers + 1).padStart(6, '0')}`);
    const bob = await login(app, 'bob');
    const bobs = await call<ManifestResponse>(app, 'GET', '/api/sync/manifest', {
      token: bob.token,
    });
    assert.equal(bobs.body.tables[0]?.count, SMALL_SEED.customers, "bob's data is untouched");
  });

  test('an unknown user is a 404', async () => {
    const response = await call(app, 'POST', '/api/test/seed', {
      body: { username: 'carol', table: 'customers', count: 1 },
    });
    assert.equal(response.status, 404);
  });
});

describe('reset', () => {
  test('wipes users, sessions and records, then re-seeds', async () => {
    await push(app, token, [change('workOrders', 'wo-before-reset', workOrder())]);
    await addFaults({ mode: 'fail', status: 503, count: 9 });
    const response = await call(app, 'POST', '/api/test/reset');
    assert.equal(response.status, 200);
    assert.equal((await manifest()).status, 401, 'old sessions are gone');
    token = (await login(app, 'alice')).token;
    const tables = (await manifest()).body.tables;
    assert.equal(
      tables.find((t) => t.name === 'workOrders')?.count,
      SMALL_SEED.workOrders,
      'faults were cleared too',
    );
  });

  test('{demo:false} leaves only the users; counts choose a smaller seed', async () => {
    await call(app, 'POST', '/api/test/reset', { body: { demo: false } });
    token = (await login(app, 'bob')).token;
    assert.ok((await manifest()).body.tables.every((t) => t.count === 0));
    await call(app, 'POST', '/api/test/reset', {
      body: { counts: { customers: 3, products: 2, workOrders: 4 } },
    });
    token = (await login(app, 'alice')).token;
    const counts = (await manifest()).body.tables.map((t) => t.count);
    assert.deepEqual(counts.slice(0, 3), [3, 2, 4]);
    assert.equal(
      (await call(app, 'POST', '/api/test/reset', { body: { counts: { users: 1 } } })).status,
      400,
    );
  });
});
