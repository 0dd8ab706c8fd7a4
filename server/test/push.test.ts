import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { MAX_PUSH_BATCH, type PushResult } from '../../contract/protocol';
import { currentRevision, readRecord } from '../src/store/records';
import {
  change,
  line,
  login,
  orderDeletion,
  pullAll,
  push,
  resetData,
  startTestApp,
  workOrder,
} from './helpers';

let app: FastifyInstance;
let token: string;
let userId: string;

before(async () => {
  app = await startTestApp();
  // resetData keeps sessions, so one login serves the whole file.
  const session = await login(app, 'alice');
  token = session.token;
  userId = session.user.id;
});
after(() => app.close());
beforeEach(() => resetData(app));

const revision = () => currentRevision(app.db, userId);

async function stored(table: string, id: string) {
  const { rows } = await app.db.query<{ rev: unknown; deleted: boolean; data: unknown }>(
    'SELECT rev, deleted, data FROM records WHERE user_id = $1 AND table_name = $2 AND id = $3',
    [userId, table, id],
  );
  const row = rows[0];
  return row ? { rev: Number(row.rev), deleted: row.deleted, data: row.data } : undefined;
}

function applied(result: PushResult | undefined): number {
  assert.equal(result?.status, 'applied', JSON.stringify(result));
  return (result as { rev: number }).rev;
}

function reason(result: PushResult | undefined): string {
  assert.equal(result?.status, 'rejected', JSON.stringify(result));
  return (result as { reason: string }).reason;
}

describe('push: applied', () => {
  test('creates, updates and deletes, each write with its own new revision', async () => {
    const start = await revision();
    const createRev = applied(
      (await push(app, token, [change('workOrders', 'wo-new', workOrder())])).results[0],
    );
    assert.equal(createRev, start + 1);
    const edited = workOrder('cus-000002', 'Edited');
    const editRev = applied(
      (await push(app, token, [change('workOrders', 'wo-new', edited, { baseRev: createRev })]))
        .results[0],
    );
    assert.equal(editRev, createRev + 1);
    assert.deepEqual(await stored('workOrders', 'wo-new'), {
      rev: editRev,
      deleted: false,
      data: edited,
    });
    const deleteRev = applied(
      (
        await push(app, token, [
          change('workOrders', 'wo-new', null, { deleted: true, baseRev: editRev }),
        ])
      ).results[0],
    );
    assert.deepEqual(await stored('workOrders', 'wo-new'), {
      rev: deleteRev,
      deleted: true,
      data: null,
    });
  });

  test('results come in request order, and a batch may build on itself', async () => {
    const response = await push(app, token, [
      change('workOrders', 'wo-a', workOrder()),
      change('workOrderLines', 'wol-a', line('wo-a')),
      change('customers', 'cus-x', { name: 'x' }),
      change('workOrderLines', 'wol-b', line('wo-a', 'prd-000002', 1)),
    ]);
    assert.deepEqual(
      response.results.map((result) => [result.id, result.status]),
      [
        ['wo-a', 'applied'],
        ['wol-a', 'applied'],
        ['cus-x', 'rejected'],
        ['wol-b', 'applied'],
      ],
    );
  });

  test('a field set to an id inside data is accepted when it matches, and not stored', async () => {
    applied(
      (await push(app, token, [change('workOrders', 'wo-id', { id: 'wo-id', ...workOrder() })]))
        .results[0],
    );
    assert.deepEqual((await stored('workOrders', 'wo-id'))?.data, workOrder());
  });

  test('deleting a record the server never had leaves a tombstone', async () => {
    const rev = applied(
      (await push(app, token, [change('workOrders', 'never-seen', null, { deleted: true })]))
        .results[0],
    );
    assert.deepEqual(await stored('workOrders', 'never-seen'), { rev, deleted: true, data: null });
  });

  test('a tombstone comes back to life when the change is based on it', async () => {
    const { records } = await pullAll(app, token, 'workOrders', 1000);
    const target = records[0]!;
    const deletedRev = applied(
      (await push(app, token, await orderDeletion(app, userId, target))).results.at(-1),
    );
    applied(
      (
        await push(app, token, [
          change('workOrders', target.id, workOrder(), { baseRev: deletedRev }),
        ])
      ).results[0],
    );
    assert.equal((await stored('workOrders', target.id))?.deleted, false);
  });

  test(`a full batch of ${MAX_PUSH_BATCH} changes is applied`, async () => {
    const changes = Array.from({ length: MAX_PUSH_BATCH }, (_, i) =>
      change('workOrders', `bulk-${i}`, workOrder()),
    );
    const response = await push(app, token, changes);
    assert.equal(
      response.results.filter((result) => result.status === 'applied').length,
      MAX_PUSH_BATCH,
    );
  });
});

describe('push: conflict', () => {
  test('a stale baseRev returns the server version and writes nothing', async () => {
    const first = applied(
      (await push(app, token, [change('workOrders', 'wo-c', workOrder())])).results[0],
    );
    applied(
      (
        await push(app, token, [
          change('workOrders', 'wo-c', workOrder('cus-000003'), { baseRev: first }),
        ])
      ).results[0],
    );
    const before = await revision();
    const result = (
      await push(app, token, [
        change('workOrders', 'wo-c', workOrder('cus-000004'), { baseRev: first }),
      ])
    ).results[0];
    assert.equal(result?.status, 'conflict');
    const { server, fields, reason } = result as Extract<PushResult, { status: 'conflict' }>;
    // No `base` to merge with (integrity.test.ts has the merges): every differing field counts.
    assert.deepEqual(fields, ['customerId']);
    assert.match(reason, /no base/);
    assert.equal(server.rev, first + 1);
    assert.deepEqual(server.data, workOrder('cus-000003'));
    assert.equal(await revision(), before, 'a conflict takes no revision');
  });

  test('baseRev null for a record that exists is a conflict, tombstones included', async () => {
    assert.equal(
      (await push(app, token, [change('workOrders', 'wo-000001', workOrder())])).results[0]?.status,
      'conflict',
    );
    applied(
      (await push(app, token, [change('workOrders', 'gone', null, { deleted: true })])).results[0],
    );
    const result = (await push(app, token, [change('workOrders', 'gone', workOrder())])).results[0];
    assert.equal(result?.status, 'conflict');
    assert.equal((result as Extract<PushResult, { status: 'conflict' }>).server.deleted, true);
  });
});

describe('push: rejected', () => {
  const cases: [string, ReturnType<typeof change>, RegExp][] = [
    ['a master table', change('customers', 'cus-new', { name: 'A' }), /^customers is read-only$/],
    [
      'a master deletion',
      change('products', 'prd-000001', null, { deleted: true }),
      /^products is read-only$/,
    ],
    [
      'invalid fields, all problems joined',
      change('workOrders', 'wo-bad', {
        title: '',
        customerId: 'cus-000001',
        status: 'later',
        colour: 'red',
      }),
      /unknown field "colour"; "title" must not be empty; "status" must be one of open, inProgress, done, cancelled/,
    ],
    ['data null without deletion', change('workOrders', 'wo-null', null), /data is required/],
    [
      'an id in data that differs',
      change('workOrders', 'wo-x', { id: 'other', ...workOrder() }),
      /differs/,
    ],
    ['a NUL character', change('workOrders', 'wo-nul', workOrder('cus-000001', 'a\u0000b')), /NUL/],
    [
      'a line of a missing work order',
      change('workOrderLines', 'wol-x', line('wo-missing')),
      /workOrders\/wo-missing/,
    ],
    [
      'a line of a missing product',
      change('workOrderLines', 'wol-y', line('wo-000001', 'prd-nope')),
      /products\/prd-nope/,
    ],
    [
      'a work order of a missing customer',
      change('workOrders', 'wo-y', workOrder('cus-nope')),
      /customers\/cus-nope/,
    ],
  ];
  for (const [name, pushed, expected] of cases) {
    test(`${name}, writing nothing`, async () => {
      const before = await revision();
      assert.match(reason((await push(app, token, [pushed])).results[0]), expected);
      assert.equal(await revision(), before);
      const { rows } = await app.db.query('SELECT 1 FROM applied_changes WHERE change_id = $1', [
        pushed.changeId,
      ]);
      assert.equal(rows.length, 0);
    });
  }

  test('a line of a deleted work order is rejected', async () => {
    const { records } = await pullAll(app, token, 'workOrders', 1000);
    const order = records[0]!;
    applied((await push(app, token, await orderDeletion(app, userId, order))).results.at(-1));
    assert.match(
      reason(
        (await push(app, token, [change('workOrderLines', 'wol-z', line(order.id))])).results[0],
      ),
      /does not exist/,
    );
  });
});

describe('push: idempotency', () => {
  test('re-sending a changeId returns the first result and writes once', async () => {
    const first = change('workOrders', 'wo-once', workOrder());
    const original = (await push(app, token, [first])).results[0];
    const rev = applied(original);
    const afterFirst = await revision();
    // Someone edits the record meanwhile: the re-send must still answer "applied", not "conflict".
    applied(
      (
        await push(app, token, [
          change('workOrders', 'wo-once', workOrder('cus-000002'), { baseRev: rev }),
        ])
      ).results[0],
    );
    const again = (await push(app, token, [first])).results[0];
    // The stored outcome, with the record as it is now (a device adopting it stays current).
    const current = await readRecord(app.db, userId, 'workOrders', 'wo-once');
    assert.equal(current?.data?.['customerId'], 'cus-000002');
    assert.deepEqual(again, { ...original, record: current });
    assert.equal(await revision(), afterFirst + 1);
    assert.deepEqual((await stored('workOrders', 'wo-once'))?.data, workOrder('cus-000002'));
  });

  test('the same changeId twice in one batch is applied once', async () => {
    const once = change('workOrders', 'wo-twice', workOrder());
    const response = await push(app, token, [once, once]);
    assert.deepEqual(response.results[1], response.results[0]);
  });

  test('a changeId reused for another record is rejected', async () => {
    const first = change('workOrders', 'wo-one', workOrder());
    applied((await push(app, token, [first])).results[0]);
    const reused = { ...change('workOrders', 'wo-two', workOrder()), changeId: first.changeId };
    assert.match(
      reason((await push(app, token, [reused])).results[0]),
      /already used for workOrders\/wo-one/,
    );
  });
});
