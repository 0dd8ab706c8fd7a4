/**
 * Integrity rules 1 and 4 through the push endpoint: two devices of one user edit a record from
 * the same version; different fields merge, the same field clashes, deletes meet edits, and a
 * work order can't be deleted from under a line its device never saw.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import {
  change,
  line,
  login,
  orderDeletion,
  push,
  resetData,
  startTestApp,
  workOrder,
} from './helpers';
import {
  asApplied,
  createdOrder,
  asConflict,
  deletion,
  edit,
  pushOne,
  stored,
  writeState,
} from './integrity-helpers';

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

describe('rule 1: concurrent edits', () => {
  test('a status on one device and a title on another both survive, applied and merged', async () => {
    const seen = await createdOrder(app, token, 'wo-merge');
    const first = asApplied(
      await pushOne(app, token, edit('workOrders', seen, { status: 'done' })),
    );
    assert.deepEqual(first.record.data, { ...workOrder(), status: 'done' });
    const second = asApplied(
      await pushOne(app, token, edit('workOrders', seen, { title: 'Replace the valve' })),
    );
    const merged = { ...workOrder(), status: 'done', title: 'Replace the valve' };
    assert.deepEqual(second.record.data, merged);
    assert.equal(second.record.rev, second.rev);
    assert.equal(second.rev, first.rev + 1);
    assert.deepEqual(await stored(app, userId, 'workOrders', 'wo-merge'), second.record);
  });

  test('the same field changed to different values is a conflict naming it', async () => {
    const seen = await createdOrder(app, token, 'wo-clash');
    const theirs = asApplied(
      await pushOne(app, token, edit('workOrders', seen, { title: 'Theirs', status: 'done' })),
    );
    const before = await writeState(app, userId);
    const result = asConflict(
      await pushOne(app, token, edit('workOrders', seen, { title: 'Mine', notes: 'note' })),
    );
    assert.deepEqual(result.fields, ['title']);
    assert.match(result.reason, /"title"/);
    assert.deepEqual(result.server, theirs.record);
    assert.deepEqual(await writeState(app, userId), before, 'a conflict writes nothing');
  });

  test('both sides setting the same value is no clash', async () => {
    const seen = await createdOrder(app, token, 'wo-same');
    await pushOne(app, token, edit('workOrders', seen, { status: 'done' }));
    const result = asApplied(
      await pushOne(app, token, edit('workOrders', seen, { status: 'done', notes: 'x' })),
    );
    assert.deepEqual(result.record.data, { ...workOrder(), status: 'done', notes: 'x' });
  });

  test('a delete of a version that changed since is a conflict with no fields', async () => {
    const seen = await createdOrder(app, token, 'wo-del-edit');
    const theirs = asApplied(await pushOne(app, token, edit('workOrders', seen, { notes: 'n' })));
    const result = asConflict(await pushOne(app, token, deletion('workOrders', seen)));
    assert.deepEqual(result.fields, []);
    assert.match(result.reason, /changed on another device/);
    assert.deepEqual(result.server, theirs.record);
    assert.equal((await stored(app, userId, 'workOrders', 'wo-del-edit'))?.deleted, false);
  });

  test('a delete of a record already deleted is applied with the tombstone, writing nothing', async () => {
    const seen = await createdOrder(app, token, 'wo-twice-gone');
    const gone = asApplied(await pushOne(app, token, deletion('workOrders', seen)));
    const before = await writeState(app, userId);
    const again = deletion('workOrders', seen);
    const result = asApplied(await pushOne(app, token, again));
    assert.equal(result.rev, gone.rev);
    assert.deepEqual(result.record, gone.record);
    assert.equal(result.record.deleted, true);
    assert.deepEqual(await writeState(app, userId), before);
  });

  test('an edit of a record deleted on another device is a conflict with no fields', async () => {
    const seen = await createdOrder(app, token, 'wo-edit-gone');
    const gone = asApplied(await pushOne(app, token, deletion('workOrders', seen)));
    const result = asConflict(await pushOne(app, token, edit('workOrders', seen, { notes: 'n' })));
    assert.deepEqual(result.fields, []);
    assert.match(result.reason, /deleted on another device/);
    assert.deepEqual(result.server, gone.record);
  });

  test('a create of an id that exists is a conflict naming the fields that differ', async () => {
    await createdOrder(app, token, 'wo-taken');
    const result = asConflict(
      await pushOne(app, token, change('workOrders', 'wo-taken', workOrder('cus-000002'))),
    );
    assert.deepEqual(result.fields, ['customerId']);
    assert.match(result.reason, /already exists/);
  });

  test('an edit without a base of a version that moved on stays a conflict', async () => {
    const seen = await createdOrder(app, token, 'wo-no-base');
    await pushOne(app, token, edit('workOrders', seen, { status: 'done' }));
    const result = asConflict(
      await pushOne(app, token, edit('workOrders', seen, { title: 'T' }, { base: undefined })),
    );
    assert.match(result.reason, /no base/);
  });

  test('every applied result carries the record as written', async () => {
    const created = asApplied(await pushOne(app, token, change('workOrders', 'wo-r', workOrder())));
    assert.deepEqual(created.record, await stored(app, userId, 'workOrders', 'wo-r'));
    const removed = asApplied(await pushOne(app, token, deletion('workOrders', created.record)));
    assert.deepEqual(removed.record, {
      ...created.record,
      rev: removed.rev,
      deleted: true,
      data: null,
      updatedAt: removed.record.updatedAt,
    });
  });
});

describe('rule 4: no live line under a deleted order', () => {
  async function orderWithLines(id: string, lines: number) {
    const order = await createdOrder(app, token, id);
    const added = await push(
      app,
      token,
      Array.from({ length: lines }, (_, i) => change('workOrderLines', `${id}-l${i}`, line(id))),
    );
    for (const result of added.results) asApplied(result);
    return order;
  }

  test('deleting an order with a line this device has not seen is a conflict saying so', async () => {
    const order = await orderWithLines('wo-unseen', 1);
    const before = await writeState(app, userId);
    const result = asConflict(await pushOne(app, token, deletion('workOrders', order)));
    assert.equal(result.reason, 'work order has 1 line that this device has not seen');
    assert.deepEqual(result.fields, []);
    assert.deepEqual(result.server, order);
    assert.deepEqual(await writeState(app, userId), before);
  });

  test('the count says how many lines', async () => {
    const order = await orderWithLines('wo-three', 3);
    const result = asConflict(await pushOne(app, token, deletion('workOrders', order)));
    assert.equal(result.reason, 'work order has 3 lines that this device has not seen');
  });

  test('lines, then their order, deleted in one batch: all applied', async () => {
    const order = await orderWithLines('wo-known', 2);
    const changes = await orderDeletion(app, userId, order);
    assert.equal(changes.length, 3);
    const { results } = await push(app, token, changes);
    for (const result of results) assert.equal(asApplied(result).record.deleted, true);
  });

  test('the order first and its lines after, in one batch: the order conflicts', async () => {
    const order = await orderWithLines('wo-wrong-way', 1);
    const [lineDeletion, orderDeletionChange] = await orderDeletion(app, userId, order);
    const { results } = await push(app, token, [orderDeletionChange!, lineDeletion!]);
    assert.match(asConflict(results[0]).reason, /1 line/);
    asApplied(results[1]);
  });

  test('lines deleted in an earlier batch no longer hold the order', async () => {
    const order = await orderWithLines('wo-later', 1);
    const [lineDeletion] = await orderDeletion(app, userId, order);
    asApplied(await pushOne(app, token, lineDeletion!));
    asApplied(await pushOne(app, token, deletion('workOrders', order)));
  });

  test('a line written to a deleted order is still rejected', async () => {
    const order = await createdOrder(app, token, 'wo-gone-first');
    asApplied(await pushOne(app, token, deletion('workOrders', order)));
    const result = await pushOne(app, token, change('workOrderLines', 'wol-late', line(order.id)));
    assert.equal(result.status, 'rejected');
    assert.match(
      result.status === 'rejected' ? result.reason : '',
      /"workOrderId" refers to workOrders\/wo-gone-first, which does not exist/,
    );
  });
});
