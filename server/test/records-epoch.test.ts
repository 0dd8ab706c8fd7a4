/**
 * Integrity rules 6 and 8: `POST /api/sync/records` (the current versions of some records, for
 * resolving a dead letter) and the epoch every pull and records response carries.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { RecordsResponse } from '../../contract/protocol';
import { runEpochCommand } from '../src/epoch-cli';
import { readEpoch, rotateEpoch } from '../src/store/epoch';
import { call, change, login, pullOnce, resetData, startTestApp, workOrder } from './helpers';
import { asApplied, deletion, fetchRecords, pushOne, stored } from './integrity-helpers';

let app: FastifyInstance;
let token: string;
let userId: string;

before(async () => {
  app = await startTestApp();
  const session = await login(app, 'alice');
  token = session.token;
  userId = session.user.id;
});
after(() => app.close());
beforeEach(() => resetData(app));

const pulledEpoch = async (authToken = token) =>
  (await pullOnce(app, authToken, { tables: [{ table: 'customers', checkpoint: null }], limit: 1 }))
    .epoch;

describe('records', () => {
  test('current versions in the order asked: tombstones included, unknown ids left out', async () => {
    const order = asApplied(await pushOne(app, token, change('workOrders', 'wo-r1', workOrder())));
    asApplied(await pushOne(app, token, deletion('workOrders', order.record)));
    const response = await fetchRecords(app, token, 'workOrders', [
      'wo-r1',
      'never-had',
      'wo-000002',
      'wo-r1',
    ]);
    assert.equal(response.epoch, await readEpoch(app.db));
    assert.deepEqual(response.records, [
      await stored(app, userId, 'workOrders', 'wo-r1'),
      await stored(app, userId, 'workOrders', 'wo-000002'),
    ]);
    assert.equal(response.records[0]?.deleted, true);
    assert.equal(response.records[0]?.data, null);
    assert.deepEqual(Object.keys(response).sort(), ['epoch', 'records']);
  });

  test('scoped to the caller: another user’s ids are unknown ids', async () => {
    const bob = await login(app, 'bob');
    asApplied(await pushOne(app, bob.token, change('workOrders', 'bob-only', workOrder())));
    const response = await fetchRecords(app, token, 'workOrders', ['bob-only', 'wo-000001']);
    assert.deepEqual(
      response.records.map((record) => record.id),
      ['wo-000001'],
    );
    const bobs = await fetchRecords(app, bob.token, 'workOrders', ['wo-000001']);
    assert.notDeepEqual(bobs.records[0], response.records[0], 'bob has his own wo-000001');
  });

  test('master tables can be read too', async () => {
    const response = await fetchRecords(app, token, 'customers', ['cus-000001']);
    assert.equal(response.records[0]?.id, 'cus-000001');
  });

  test('needs a session', async () => {
    const response = await call<RecordsResponse>(app, 'POST', '/api/sync/records', {
      body: { table: 'workOrders', ids: ['wo-000001'] },
    });
    assert.equal(response.status, 401);
  });
});

describe('epoch', () => {
  test('every pull carries the same epoch until it is rotated', async () => {
    const epoch = await pulledEpoch();
    assert.match(epoch, /^[A-Za-z0-9_-]{22}$/);
    assert.equal(await pulledEpoch(), epoch);
    assert.equal(await readEpoch(app.db), epoch);
    assert.equal(await pulledEpoch((await login(app, 'bob')).token), epoch, 'one per server');
  });

  test('rotateEpoch gives a new one, which pulls and records answers carry at once', async () => {
    const before = await pulledEpoch();
    const rotated = await rotateEpoch(app.db);
    assert.notEqual(rotated, before);
    assert.equal(await readEpoch(app.db), rotated);
    assert.equal(await pulledEpoch(), rotated);
    assert.equal((await fetchRecords(app, token, 'customers', ['cus-000001'])).epoch, rotated);
  });

  test('the operator command shows and rotates it', async () => {
    const shown = await runEpochCommand(app.db, 'show');
    assert.equal(shown, await pulledEpoch());
    const rotated = await runEpochCommand(app.db, 'rotate');
    assert.notEqual(rotated, shown);
    assert.equal(await pulledEpoch(), rotated);
  });

  test('a test reset rotates it', async () => {
    const before = await pulledEpoch();
    const reset = await call(app, 'POST', '/api/test/reset', { body: { demo: false } });
    assert.equal(reset.status, 200);
    const session = await login(app, 'alice');
    token = session.token;
    userId = session.user.id;
    const after = await pulledEpoch();
    assert.notEqual(after, before);
    // The tests' own reset (records only, users kept) is a new history too.
    await resetData(app);
    assert.notEqual(await pulledEpoch(), after);
  });

  test('a checkpoint from before a reset is still a 409, not a page of the new epoch', async () => {
    const response = await call(app, 'POST', '/api/sync/pull', {
      token,
      body: { tables: [{ table: 'customers', checkpoint: 'r:999999' }] },
    });
    assert.equal(response.status, 409);
  });
});
