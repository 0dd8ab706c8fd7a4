import { TestBed } from '@angular/core/testing';
import { filter, firstValueFrom, lastValueFrom, type Observable } from 'rxjs';

import type { PushResult } from '../../../../contract/protocol';
import { LocalDatabase } from './local-database';
import {
  appliedResult,
  conflictResult,
  provideTestLocalDb,
  removeTestLocalDb,
  serverWorkOrder,
  tombstone,
  workOrder,
} from './local-db.testing';
import { SyncStore } from './sync-store';

const run = <T>(source: Observable<T>) => lastValueFrom(source);

const applied = (id: string, changeId: string, rev: number, overrides = {}): PushResult =>
  appliedResult('workOrders', changeId, serverWorkOrder(id, rev, overrides));

const rejected = (id: string, changeId: string, reason: string): PushResult => ({
  table: 'workOrders',
  id,
  changeId,
  status: 'rejected',
  reason,
});

function setup(maxAttempts = 3) {
  TestBed.configureTestingModule({ providers: provideTestLocalDb({ config: { maxAttempts } }) });
  return TestBed.inject(SyncStore);
}

async function stored(id: string, table: 'workOrders' | 'workOrderLines' = 'workOrders') {
  const handle = await TestBed.inject(LocalDatabase).open();
  return (await handle.table(table).findOne(id).exec())?.toJSON();
}

describe('SyncStore push side: results', () => {
  let store: SyncStore;
  afterEach(() => removeTestLocalDb());

  beforeEach(() => (store = setup()));

  it('adopts the server version of an applied change: fields, revision and base', async () => {
    await run(store.upsertLocal('workOrders', workOrder('w1')));

    // The server merged another device's status into it.
    const counts = await run(
      store.applyPushResults([applied('w1', 'change-1', 7, { status: 'done' })]),
    );

    expect(counts.applied).toBe(1);
    expect(await stored('w1')).toEqual(
      jasmine.objectContaining({
        status: 'done',
        syncPending: false,
        syncRev: 7,
        syncAttempts: 0,
        syncError: '',
        // Synced: its own fields are its base.
        syncBase: null,
        syncPrior: [],
      }),
    );
    expect(await run(store.pendingChanges(10))).toEqual([]);

    await run(store.patchLocal('workOrders', 'w1', { title: 'next' }));
    const [next] = await run(store.pendingChanges(10));
    expect(next?.base).toEqual({ title: 'Order w1', customerId: 'c1', status: 'done' });
  });

  // A synced record stores no copy of its fields as its base (it is its own base): answers that
  // arrive for it late must still measure against its fields, never against "no base".
  it('moves a synced record onto a late duplicate answer of its applied change', async () => {
    await run(store.applyPulledBatch('u1', 'workOrders', [serverWorkOrder('w1', 5)], 'cp'));

    // A change the device already saw applied was sent again by an overlapping run; the
    // server replays it with the record as it is now: another device set the status since.
    await run(store.applyPushResults([applied('w1', 'change-0', 8, { status: 'done' })]));

    expect(await stored('w1')).toEqual(
      jasmine.objectContaining({ status: 'done', syncRev: 8, syncPending: false }),
    );
  });

  it('ignores a late conflict answer for a record already settled', async () => {
    await run(store.applyPulledBatch('u1', 'workOrders', [serverWorkOrder('w1', 5)], 'cp'));
    const settled = await stored('w1');

    // The change was resolved (or applied) meanwhile; an overlapping run's duplicate comes back.
    const counts = await run(
      store.applyPushResults([
        conflictResult('workOrders', 'change-0', serverWorkOrder('w1', 8, { status: 'done' })),
      ]),
    );

    expect(counts.conflicts).toBe(0);
    expect(await stored('w1')).toEqual(settled);
  });

  it('parks a conflict of a pending edit against the base the edit was made on', async () => {
    await run(store.applyPulledBatch('u1', 'workOrders', [serverWorkOrder('w1', 5)], 'cp'));
    await run(store.patchLocal('workOrders', 'w1', { title: 'mine' }));

    await run(
      store.applyPushResults([
        conflictResult('workOrders', 'change-1', serverWorkOrder('w1', 8, { title: 'theirs' })),
      ]),
    );

    expect(await stored('w1')).toEqual(
      jasmine.objectContaining({
        title: 'mine',
        syncDeadLetter: true,
        syncBase: { title: 'Order w1', customerId: 'c1', status: 'open' },
      }),
    );
  });

  it('rebases a record edited during the push: untouched fields take the server value', async () => {
    await run(store.applyPulledBatch('u1', 'workOrders', [serverWorkOrder('w1', 5)], 'cp'));
    await run(store.patchLocal('workOrders', 'w1', { title: 'pushed' }));
    const [pushed] = await run(store.pendingChanges(10));
    await run(store.patchLocal('workOrders', 'w1', { notes: 'typed meanwhile' }));

    // Applied, merged with another device's status change.
    const counts = await run(
      store.applyPushResults([
        applied('w1', pushed.changeId, 7, { title: 'pushed', status: 'inProgress' }),
      ]),
    );

    expect(counts.rebased).toBe(1);
    const [next] = await run(store.pendingChanges(10));
    expect(next).toEqual(
      jasmine.objectContaining({
        changeId: 'change-2',
        baseRev: 7,
        base: { title: 'pushed', customerId: 'c1', status: 'inProgress' },
        // The acknowledged change has an answer now: no longer a prior.
        priorChangeIds: [],
        data: {
          title: 'pushed',
          customerId: 'c1',
          status: 'inProgress',
          notes: 'typed meanwhile',
        },
      }),
    );
  });

  it('keeps the user value of a field changed again during the push', async () => {
    await run(store.applyPulledBatch('u1', 'workOrders', [serverWorkOrder('w1', 5)], 'cp'));
    await run(store.patchLocal('workOrders', 'w1', { title: 'pushed' }));
    await run(store.patchLocal('workOrders', 'w1', { title: 'typed meanwhile' }));

    await run(store.applyPushResults([applied('w1', 'change-1', 7, { title: 'pushed' })]));

    expect(await stored('w1')).toEqual(
      // No conflict with oneself: the user changed again the field they had just pushed.
      jasmine.objectContaining({
        title: 'typed meanwhile',
        syncRev: 7,
        syncPending: true,
        syncDeadLetter: false,
      }),
    );
  });

  // Found by the simulation (seed 1121): the other device's value was merged into the answer.
  it('makes a conflict of a field another device changed while the user changed it again', async () => {
    await run(store.applyPulledBatch('u1', 'workOrders', [serverWorkOrder('w1', 5)], 'cp'));
    await run(store.patchLocal('workOrders', 'w1', { notes: 'pushed' }));
    await run(store.patchLocal('workOrders', 'w1', { title: 'typed meanwhile' }));
    const merged = serverWorkOrder('w1', 7, { notes: 'pushed', title: 'theirs' });

    const counts = await run(
      store.applyPushResults([appliedResult('workOrders', 'change-1', merged)]),
    );

    expect(counts.conflicts).toBe(1);
    expect(await stored('w1')).toEqual(
      jasmine.objectContaining({
        title: 'typed meanwhile',
        syncDeadLetter: true,
        syncConflict: merged,
        syncConflictFields: ['title'],
        syncRev: 7,
        // Keep mine keeps what the user changed after the pushed change: the title.
        syncBase: { title: 'Order w1', customerId: 'c1', status: 'open', notes: 'pushed' },
        syncPrior: [],
        syncPriorData: [],
      }),
    );
  });

  it('moves a deletion made during the push onto the server version it saw', async () => {
    await run(store.applyPulledBatch('u1', 'workOrders', [serverWorkOrder('w1', 5)], 'cp'));
    await run(store.patchLocal('workOrders', 'w1', { title: 'pushed' }));
    await run(store.deleteLocal('workOrders', 'w1'));

    await run(store.applyPushResults([applied('w1', 'change-1', 7, { title: 'pushed' })]));

    const [change] = await run(store.pendingChanges(10));
    expect(change).toEqual(
      jasmine.objectContaining({ deleted: true, baseRev: 7, priorChangeIds: [] }),
    );
  });

  it('keeps a deletion made during the push on its old base when the server merged more in', async () => {
    await run(store.applyPulledBatch('u1', 'workOrders', [serverWorkOrder('w1', 5)], 'cp'));
    await run(store.patchLocal('workOrders', 'w1', { title: 'pushed' }));
    await run(store.deleteLocal('workOrders', 'w1'));

    // The write was merged with another device's notes, which the deleting user never saw.
    await run(
      store.applyPushResults([applied('w1', 'change-1', 7, { title: 'pushed', notes: 'theirs' })]),
    );

    const [change] = await run(store.pendingChanges(10));
    // On the old base the server answers with a conflict instead of deleting the notes unseen.
    expect(change).toEqual(
      jasmine.objectContaining({ deleted: true, baseRev: 5, priorChangeIds: [] }),
    );
  });

  it('serialises a push result with a concurrent user edit of the same record', async () => {
    await run(store.upsertLocal('workOrders', workOrder('w1')));

    // Both start before either finishes; RxDB's per-document queue orders them either way.
    await Promise.all([
      run(store.applyPushResults([applied('w1', 'change-1', 7)])),
      run(store.upsertLocal('workOrders', workOrder('w1', { title: 'edited' }))),
    ]);

    expect(await stored('w1')).toEqual(
      jasmine.objectContaining({
        title: 'edited',
        syncPending: true,
        syncChangeId: 'change-2',
        syncRev: 7,
      }),
    );
  });

  it('removes a record for real once its deletion is applied', async () => {
    await run(store.applyPulledBatch('u1', 'workOrders', [serverWorkOrder('w1', 5)], 'cp'));
    const deletion = await run(store.deleteLocal('workOrders', 'w1'));
    const [change] = await run(store.pendingChanges(10));
    expect(change).toEqual(jasmine.objectContaining({ deleted: true, data: null, baseRev: 5 }));

    await run(
      store.applyPushResults([appliedResult('workOrders', deletion.changeId, tombstone('w1', 6))]),
    );

    expect(await stored('w1')).toBeUndefined();
  });

  // Rule 3: a delete is a change like any other, also for a record never acknowledged.
  it('pushes the deletion of a never-acknowledged record and removes it when applied', async () => {
    await run(store.upsertLocal('workOrders', workOrder('w1')));
    const deletion = await run(store.deleteLocal('workOrders', 'w1'));

    const [change] = await run(store.pendingChanges(10));
    expect(change).toEqual(
      jasmine.objectContaining({
        id: 'w1',
        deleted: true,
        baseRev: null,
        priorChangeIds: ['change-1'],
      }),
    );
    expect(await stored('w1')).toEqual(jasmine.objectContaining({ localDeleted: true }));

    await run(
      store.applyPushResults([appliedResult('workOrders', deletion.changeId, tombstone('w1', 3))]),
    );
    expect(await stored('w1')).toBeUndefined();
  });

  it('removes a record whose re-sent change answers with a tombstone', async () => {
    await run(store.upsertLocal('workOrders', workOrder('w1')));

    await run(
      store.applyPushResults([appliedResult('workOrders', 'change-1', tombstone('w1', 9))]),
    );

    expect(await stored('w1')).toBeUndefined();
  });

  it('dead-letters a conflict with the clashing fields and the reason', async () => {
    await run(store.upsertLocal('workOrders', workOrder('w1', { title: 'mine' })));
    const server = serverWorkOrder('w1', 9, { title: 'theirs' });

    const counts = await run(
      store.applyPushResults([
        conflictResult('workOrders', 'change-1', server, ['title'], 'both changed title'),
      ]),
    );

    expect(counts.conflicts).toBe(1);
    expect(await stored('w1')).toEqual(
      jasmine.objectContaining({
        title: 'mine',
        syncPending: true,
        syncDeadLetter: true,
        syncError: 'both changed title',
        syncConflict: server,
        syncConflictFields: ['title'],
      }),
    );
    expect(await run(store.pendingChanges(10))).toEqual([]);
    expect(await firstValueFrom(store.deadLetterCount$)).toBe(1);
    expect(await firstValueFrom(store.pendingCount$)).toBe(0);
  });

  it('counts rejections and dead-letters the change after maxAttempts', async () => {
    await run(store.upsertLocal('workOrders', workOrder('w1')));

    await run(store.applyPushResults([rejected('w1', 'change-1', 'bad title')]));
    expect(await stored('w1')).toEqual(
      jasmine.objectContaining({
        syncAttempts: 1,
        syncError: 'bad title',
        syncDeadLetter: false,
      }),
    );
    expect((await run(store.pendingChanges(10))).length).toBe(1);

    await run(store.applyPushResults([rejected('w1', 'change-1', 'bad title')]));
    const counts = await run(store.applyPushResults([rejected('w1', 'change-1', 'still bad')]));

    expect(counts.deadLettered).toBe(1);
    expect(await stored('w1')).toEqual(
      jasmine.objectContaining({
        syncAttempts: 3,
        syncError: 'still bad',
        syncDeadLetter: true,
        syncPending: true,
      }),
    );
    expect(await run(store.pendingChanges(10))).toEqual([]);
  });

  it('ignores a rejection of a change the user has already replaced', async () => {
    await run(store.upsertLocal('workOrders', workOrder('w1')));
    await run(store.upsertLocal('workOrders', workOrder('w1', { title: 'fixed' })));

    const counts = await run(store.applyPushResults([rejected('w1', 'change-1', 'bad')]));

    expect(counts.ignored).toBe(1);
    expect(await stored('w1')).toEqual(
      jasmine.objectContaining({ syncAttempts: 0, syncError: '' }),
    );
  });

  it('keeps pendingCount$ live', async () => {
    const seen: number[] = [];
    const subscription = store.pendingCount$.subscribe((count) => seen.push(count));
    const reaches = (n: number) =>
      firstValueFrom(store.pendingCount$.pipe(filter((count) => count === n)));

    await reaches(0);
    await run(store.upsertLocal('workOrders', workOrder('w1')));
    await reaches(1);
    await run(store.applyPushResults([applied('w1', 'change-1', 3)]));
    await reaches(0);

    subscription.unsubscribe();
    expect(seen).toEqual([0, 1, 0]);
  });
});
