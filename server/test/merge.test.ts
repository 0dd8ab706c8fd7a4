/**
 * Rule 1's outcome table as a pure function (store/merge.ts), case by case; integrity.test.ts
 * checks the same rules through the push endpoint.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ServerRecord } from '../../contract/protocol';
import { decide, mergeFields, type EffectiveBase } from '../src/store/merge';

const order = { title: 'Boiler', customerId: 'cus-000001', status: 'open' };

const live = (rev: number, data: Record<string, unknown>): ServerRecord => ({
  id: 'wo-1',
  rev,
  deleted: false,
  data,
  updatedAt: 0,
});
const tombstone = (rev: number): ServerRecord => ({
  id: 'wo-1',
  rev,
  deleted: true,
  data: null,
  updatedAt: 0,
});
const write = (local: Record<string, unknown>) => ({ deleted: false, local });
const remove = { deleted: true, local: {} };
const based = (rev: number | null, data = order): EffectiveBase => ({ rev, data });
/** A create: no revision and no fields to merge with. */
const created: EffectiveBase = { rev: null, data: null };

describe('merge: rule 1 outcomes', () => {
  test('no server version: a write or a delete goes through as it is', () => {
    assert.deepEqual(decide('workOrders', write(order), created, undefined), {
      kind: 'write',
      data: order,
    });
    assert.deepEqual(decide('workOrders', remove, based(3), undefined), { kind: 'delete' });
  });

  test('based on the current revision: the data as it is, or a tombstone', () => {
    const local = { ...order, title: 'Mine' };
    assert.deepEqual(decide('workOrders', write(local), based(5), live(5, order)), {
      kind: 'write',
      data: local,
    });
    assert.deepEqual(decide('workOrders', remove, based(5), live(5, order)), { kind: 'delete' });
    assert.deepEqual(decide('workOrders', write(local), based(6), tombstone(6)), {
      kind: 'write',
      data: local,
    });
  });

  test('moved on with a base: edits of different fields merge', () => {
    const server = live(7, { ...order, status: 'done' });
    assert.deepEqual(decide('workOrders', write({ ...order, title: 'Mine' }), based(5), server), {
      kind: 'write',
      data: { title: 'Mine', customerId: 'cus-000001', status: 'done' },
    });
  });

  test('moved on with a base: the same field changed to different values clashes', () => {
    const server = live(7, { ...order, title: 'Theirs', notes: 'n' });
    const decision = decide(
      'workOrders',
      write({ ...order, title: 'Mine', status: 'done' }),
      based(5),
      server,
    );
    assert.equal(decision.kind, 'conflict');
    assert.deepEqual(decision.kind === 'conflict' && decision.fields, ['title']);
    assert.equal(decision.kind === 'conflict' && decision.server, server);
    assert.match(decision.kind === 'conflict' ? decision.reason : '', /"title"/);
  });

  test('moved on with no base: a conflict naming the fields that differ', () => {
    const server = live(7, { ...order, status: 'done' });
    const exists = decide('workOrders', write(order), created, server);
    assert.deepEqual(exists.kind === 'conflict' && exists.fields, ['status']);
    assert.match(exists.kind === 'conflict' ? exists.reason : '', /already exists/);
    const noBase = decide('workOrders', write(order), { rev: 5, data: null }, server);
    assert.match(noBase.kind === 'conflict' ? noBase.reason : '', /no base/);
  });

  test('delete of a tombstone is applied as it is, whatever the base', () => {
    for (const rev of [null, 3, 9]) {
      assert.deepEqual(decide('workOrders', remove, based(rev), tombstone(9)), {
        kind: 'already-deleted',
        server: tombstone(9),
      });
    }
  });

  test('delete of a version that moved on, and an edit of a tombstone, conflict with no fields', () => {
    const changed = decide('workOrders', remove, based(5), live(7, order));
    assert.deepEqual(changed.kind === 'conflict' && changed.fields, []);
    assert.match(changed.kind === 'conflict' ? changed.reason : '', /changed on another device/);
    const gone = decide('workOrders', write(order), based(5), tombstone(7));
    assert.deepEqual(gone.kind === 'conflict' && gone.fields, []);
    assert.match(gone.kind === 'conflict' ? gone.reason : '', /deleted on another device/);
  });
});

describe('merge: per field', () => {
  const merge = (base: object, local: object, server: object) =>
    mergeFields(
      'workOrders',
      { ...order, ...base },
      { ...order, ...local },
      { ...order, ...server },
    );

  test('a field the change did not touch keeps the server value', () => {
    assert.deepEqual(merge({}, {}, { notes: 'theirs' }), { data: { ...order, notes: 'theirs' } });
  });

  test('a field only the change touched takes the change value', () => {
    assert.deepEqual(merge({}, { notes: 'mine' }, {}), { data: { ...order, notes: 'mine' } });
  });

  test('both set the same value: no clash', () => {
    assert.deepEqual(merge({}, { notes: 'same' }, { notes: 'same' }), {
      data: { ...order, notes: 'same' },
    });
  });

  test('absent and null are the same; a cleared field is left out', () => {
    assert.deepEqual(merge({ notes: 'x' }, { notes: null }, { notes: 'x' }), { data: order });
    assert.deepEqual(merge({ notes: null }, {}, { notes: 'theirs' }), {
      data: { ...order, notes: 'theirs' },
    });
  });

  test('cleared on one side, changed on the other: a clash', () => {
    assert.deepEqual(merge({ notes: 'x' }, { notes: null }, { notes: 'y' }), {
      clashing: ['notes'],
    });
  });

  test('values compare strictly, and fields the registry does not declare are ignored', () => {
    assert.deepEqual(merge({ scheduledFor: '1' }, { scheduledFor: 1 }, { scheduledFor: '2' }), {
      clashing: ['scheduledFor'],
    });
    const odd = mergeFields('workOrders', { ...order, toString: 'x' }, order, order);
    assert.deepEqual(odd, { data: order });
  });
});
