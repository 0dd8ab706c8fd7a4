/**
 * Integrity rule 5: a device whose push response was lost names its unanswered changes in
 * `priorChangeIds`, and never conflicts with its own committed write; a re-sent change answers
 * with the record as it is now.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { MAX_PRIOR_CHANGE_IDS } from '../../contract/protocol';
import { change, login, resetData, startTestApp, workOrder } from './helpers';
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

describe('rule 5: a lost response is recognised', () => {
  test('a create whose answer was lost, then a delete naming it: applied', async () => {
    const create = change('workOrders', 'wo-lost-create', workOrder());
    asApplied(await pushOne(app, token, create)); // the device never hears this answer
    // Without naming it, the device's delete of "its new record" meets a record it never saw.
    const blind = change('workOrders', 'wo-lost-create', null, { deleted: true });
    asConflict(await pushOne(app, token, blind));
    const named = { ...blind, changeId: `${blind.changeId}-2`, priorChangeIds: [create.changeId] };
    const result = asApplied(await pushOne(app, token, named));
    assert.equal(result.record.deleted, true);
    assert.equal((await stored(app, userId, 'workOrders', 'wo-lost-create'))?.deleted, true);
  });

  test('a second edit of the same field after a lost answer: applied, not a conflict', async () => {
    const seen = await createdOrder(app, token, 'wo-lost-edit');
    const first = edit('workOrders', seen, { title: 'One' });
    asApplied(await pushOne(app, token, first)); // lost
    // The device still has `seen` as its base, and edits the title again.
    const blind = edit('workOrders', seen, { title: 'Two' });
    assert.deepEqual(asConflict(await pushOne(app, token, blind)).fields, ['title']);
    const named = edit('workOrders', seen, { title: 'Two' }, { priorChangeIds: [first.changeId] });
    const result = asApplied(await pushOne(app, token, named));
    assert.equal(result.record.data?.['title'], 'Two');
  });

  test('the lost write is the base of a merge with another device’s later edit', async () => {
    const seen = await createdOrder(app, token, 'wo-lost-merge');
    const mine = edit('workOrders', seen, { title: 'One' });
    const lost = asApplied(await pushOne(app, token, mine));
    // Another device pulled the lost write and changed the status on top of it.
    asApplied(await pushOne(app, token, edit('workOrders', lost.record, { status: 'done' })));
    const again = edit('workOrders', seen, { title: 'Two' }, { priorChangeIds: [mine.changeId] });
    const result = asApplied(await pushOne(app, token, again));
    assert.deepEqual(result.record.data, { ...workOrder(), title: 'Two', status: 'done' });
  });

  test('the newest applied prior wins; unknown and failed priors are skipped', async () => {
    const seen = await createdOrder(app, token, 'wo-lost-two');
    const one = edit('workOrders', seen, { title: 'One' });
    const oneResult = asApplied(await pushOne(app, token, one));
    const two = edit('workOrders', oneResult.record, { title: 'Two' });
    asApplied(await pushOne(app, token, two));
    const three = edit(
      'workOrders',
      seen,
      { title: 'Three' },
      {
        priorChangeIds: [one.changeId, 'never-sent', two.changeId],
      },
    );
    assert.equal(asApplied(await pushOne(app, token, three)).record.data?.['title'], 'Three');
  });

  test('a prior of another record, or of another user, is no base', async () => {
    const other = change('workOrders', 'wo-elsewhere', workOrder());
    asApplied(await pushOne(app, token, other));
    const seen = await createdOrder(app, token, 'wo-lost-scope');
    await pushOne(app, token, edit('workOrders', seen, { title: 'Theirs' }));
    const bob = await login(app, 'bob');
    const bobs = change('workOrders', 'wo-lost-scope', workOrder());
    asApplied(await pushOne(app, bob.token, bobs));
    const mine = edit(
      'workOrders',
      seen,
      { title: 'Mine' },
      {
        priorChangeIds: [other.changeId, bobs.changeId],
      },
    );
    asConflict(await pushOne(app, token, mine));
  });

  test('a base newer than the lost write is kept', async () => {
    const seen = await createdOrder(app, token, 'wo-lost-older');
    const lost = edit('workOrders', seen, { notes: 'mine' });
    const lostResult = asApplied(await pushOne(app, token, lost));
    // The device pulled its own write with another device's title on top; a third device then
    // changed the title again, and the device clears its notes.
    const pulled = asApplied(
      await pushOne(app, token, edit('workOrders', lostResult.record, { title: 'Theirs' })),
    ).record;
    asApplied(await pushOne(app, token, edit('workOrders', pulled, { title: 'Again' })));
    const cleared = edit(
      'workOrders',
      pulled,
      { notes: null },
      { priorChangeIds: [lost.changeId] },
    );
    // Based on the lost write, the title would clash ("Theirs" against "Again").
    const result = asApplied(await pushOne(app, token, cleared));
    assert.deepEqual(result.record.data, { ...workOrder(), title: 'Again' });
  });

  test(`only the newest ${MAX_PRIOR_CHANGE_IDS} prior changeIds are read`, async () => {
    const seen = await createdOrder(app, token, 'wo-lost-many');
    const lost = edit('workOrders', seen, { title: 'One' });
    asApplied(await pushOne(app, token, lost));
    const filler = Array.from({ length: MAX_PRIOR_CHANGE_IDS }, (_, i) => `filler-${i}`);
    const tooOld = edit(
      'workOrders',
      seen,
      { title: 'Two' },
      {
        priorChangeIds: [lost.changeId, ...filler],
      },
    );
    asConflict(await pushOne(app, token, tooOld));
    const newest = edit(
      'workOrders',
      seen,
      { title: 'Two' },
      {
        priorChangeIds: [...filler, lost.changeId],
      },
    );
    asApplied(await pushOne(app, token, newest));
  });
});

describe('rule 5: a re-sent change', () => {
  test('returns its stored rev with the record as it is now, writing nothing', async () => {
    const create = change('workOrders', 'wo-resend', workOrder());
    const original = asApplied(await pushOne(app, token, create));
    const later = asApplied(
      await pushOne(app, token, edit('workOrders', original.record, { status: 'done' })),
    );
    const before = await writeState(app, userId);
    const again = asApplied(await pushOne(app, token, create));
    assert.equal(again.rev, original.rev);
    assert.deepEqual(again.record, later.record);
    assert.deepEqual(await writeState(app, userId), before);
  });

  test('a re-sent delete of a record created again since shows the live record', async () => {
    const seen = await createdOrder(app, token, 'wo-resend-delete');
    const removal = deletion('workOrders', seen);
    const removed = asApplied(await pushOne(app, token, removal));
    const revived = asApplied(
      await pushOne(app, token, edit('workOrders', removed.record, workOrder('cus-000002'))),
    );
    const again = asApplied(await pushOne(app, token, removal));
    assert.equal(again.rev, removed.rev);
    assert.deepEqual(again.record, revived.record);
  });

  test("a lost answer merged another device's field: the next edit and a delete keep it", async () => {
    const seen = await createdOrder(app, token, 'wo-lost-merge');
    asApplied(await pushOne(app, token, edit('workOrders', seen, { notes: 'from B' })));
    // A, still on `seen`, changes the title; the server merges B's notes in; A never hears.
    const first = edit('workOrders', seen, { title: 'A one' });
    assert.equal(asApplied(await pushOne(app, token, first)).record.data?.['notes'], 'from B');
    // A edits the title again from its own version, which never had B's notes.
    const second = edit(
      'workOrders',
      seen,
      { title: 'A two' },
      { priorChangeIds: [first.changeId] },
    );
    const result = asApplied(await pushOne(app, token, second));
    assert.equal(result.record.data?.['title'], 'A two');
    assert.equal(result.record.data?.['notes'], 'from B', "B's notes survive");
    // A deleting it now would delete B's notes unseen: a conflict, not a silent delete.
    const removal = deletion('workOrders', seen, {
      priorChangeIds: [first.changeId, second.changeId],
    });
    asConflict(await pushOne(app, token, removal));
    assert.equal((await stored(app, userId, 'workOrders', 'wo-lost-merge'))?.deleted, false);
  });
});
