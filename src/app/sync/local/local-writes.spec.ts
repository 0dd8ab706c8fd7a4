import { TestBed } from '@angular/core/testing';
import { firstValueFrom, lastValueFrom, ReplaySubject, take, toArray } from 'rxjs';

import { LocalDatabase } from './local-database';
import {
  provideTestLocalDb,
  removeTestLocalDb,
  serverWorkOrder,
  TEST_EPOCH,
  workOrder,
} from './local-db.testing';
import {
  LocalRecordNotFoundError,
  LocalWriteBlockedError,
  ReadOnlyTableError,
} from './local-write.errors';
import { SyncStore } from './sync-store';

describe('SyncStore local writes', () => {
  let store: SyncStore;

  const stored = async (id: string) => {
    const handle = await TestBed.inject(LocalDatabase).open();
    const doc = await handle.table('workOrders').findOne(id).exec();
    return doc?.toJSON();
  };

  beforeEach(() => {
    TestBed.configureTestingModule({ providers: provideTestLocalDb() });
    store = TestBed.inject(SyncStore);
  });

  afterEach(() => removeTestLocalDb());

  it('stores a new record as pending with default sync metadata', async () => {
    const write = await lastValueFrom(store.upsertLocal('workOrders', workOrder('w1')));

    expect(write).toEqual({ table: 'workOrders', id: 'w1', changeId: 'change-1', deleted: false });
    expect(await stored('w1')).toEqual({
      ...workOrder('w1'),
      syncPending: true,
      syncRev: -1,
      syncChangeId: 'change-1',
      syncChangedAt: jasmine.any(Number),
      syncAttempts: 0,
      syncError: '',
      syncDeadLetter: false,
      syncConflict: null,
      syncConflictFields: [],
      localDeleted: false,
      syncBase: null,
      syncPrior: [],
      syncPriorData: [],
      syncStale: false,
      syncSeenRev: 0,
    });
  });

  it('gives every edit a new change id and keeps the base revision', async () => {
    await lastValueFrom(store.upsertLocal('workOrders', workOrder('w1', { notes: 'a' })));
    await lastValueFrom(store.upsertLocal('workOrders', workOrder('w1', { title: 'B' })));

    const doc = await stored('w1');
    expect(doc?.syncChangeId).toBe('change-2');
    expect(doc?.syncRev).toBe(-1);
    expect(doc?.title).toBe('B');
    // The record is replaced, not merged: a field left out is removed.
    expect(doc?.notes).toBeUndefined();
  });

  it('does nothing until subscribed', async () => {
    const write$ = store.upsertLocal('workOrders', workOrder('w1'));
    expect(await lastValueFrom(store.count('workOrders'))).toBe(0);

    await lastValueFrom(write$);
    expect(await lastValueFrom(store.count('workOrders'))).toBe(1);
  });

  it('refuses writes to master tables', async () => {
    const customer = { id: 'c1', name: 'A', email: 'a@x', phone: '1', city: 'X', address: 'Y' };
    await expectAsync(lastValueFrom(store.upsertLocal('customers', customer))).toBeRejectedWith(
      jasmine.any(ReadOnlyTableError),
    );
  });

  it('refuses writes with LocalWriteBlockedError while blocked, and accepts them after', async () => {
    store.blockWrites();
    expect(store.writesBlocked()).toBeTrue();

    await expectAsync(
      lastValueFrom(store.upsertLocal('workOrders', workOrder('w1'))),
    ).toBeRejectedWithError(LocalWriteBlockedError, /first download/);
    expect(await lastValueFrom(store.count('workOrders'))).toBe(0);

    store.allowWrites();
    await lastValueFrom(store.upsertLocal('workOrders', workOrder('w1')));
    expect(await lastValueFrom(store.count('workOrders'))).toBe(1);
  });

  it('reports each committed write on localWrites$', async () => {
    const events = firstValueFrom(store.localWrites$.pipe(take(2), toArray()));

    await lastValueFrom(store.upsertLocal('workOrders', workOrder('w1')));
    await lastValueFrom(
      store.upsertLocal('workOrderLines', {
        id: 'l1',
        workOrderId: 'w1',
        productId: 'p1',
        quantity: 2,
      }),
    );

    expect((await events).map((event) => `${event.table}/${event.id}`)).toEqual([
      'workOrders/w1',
      'workOrderLines/l1',
    ]);
  });

  it('soft-deletes a record the server has, and hides it from reads', async () => {
    const handle = await TestBed.inject(LocalDatabase).open();
    await lastValueFrom(store.upsertLocal('workOrders', workOrder('w1')));
    await lastValueFrom(store.upsertLocal('workOrders', workOrder('w2')));
    const w1 = await handle.table('workOrders').findOne('w1').exec();
    await w1?.incrementalPatch({ syncRev: 5, syncPending: false });

    const write = await lastValueFrom(store.deleteLocal('workOrders', 'w1'));

    expect(write.deleted).toBeTrue();
    const doc = await stored('w1');
    expect(doc?.localDeleted).toBeTrue();
    expect(doc?.syncPending).toBeTrue();
    expect(doc?.syncRev).toBe(5);
    expect(doc?.syncChangeId).toBe(write.changeId);
    const visible = await firstValueFrom(store.watchTable('workOrders'));
    expect(visible.map((record) => record.id)).toEqual(['w2']);
    expect(await lastValueFrom(store.count('workOrders'))).toBe(1);
  });

  // Rule 3: its create may be in flight, or committed with the answer lost.
  it('soft-deletes a never-acknowledged record too, as a pending change', async () => {
    await lastValueFrom(store.upsertLocal('workOrders', workOrder('w1')));

    const write = await lastValueFrom(store.deleteLocal('workOrders', 'w1'));

    expect(write).toEqual({ table: 'workOrders', id: 'w1', changeId: 'change-2', deleted: true });
    expect(await stored('w1')).toEqual(
      jasmine.objectContaining({
        localDeleted: true,
        syncPending: true,
        syncRev: -1,
        syncChangeId: 'change-2',
        syncPrior: ['change-1'],
      }),
    );
    expect(await firstValueFrom(store.watchTable('workOrders'))).toEqual([]);
    await expectAsync(lastValueFrom(store.deleteLocal('workOrders', 'w1'))).toBeRejectedWithError(
      LocalRecordNotFoundError,
    );
  });

  it('takes the synced fields as the base of the first edit, and keeps it after', async () => {
    await lastValueFrom(
      store.applyPulledBatch('u1', 'workOrders', [serverWorkOrder('w1', 4)], 'cp'),
    );
    const synced = { title: 'Order w1', customerId: 'c1', status: 'open' };
    // A synced record is its own base: a second copy of its fields would only be stored
    // (and serialised) for every pulled record.
    expect((await stored('w1'))?.syncBase).toBeNull();

    await lastValueFrom(store.upsertLocal('workOrders', workOrder('w1', { title: 'A' })));
    await lastValueFrom(store.upsertLocal('workOrders', workOrder('w1', { title: 'B' })));

    expect(await stored('w1')).toEqual(
      jasmine.objectContaining({
        title: 'B',
        syncRev: 4,
        syncBase: synced,
        syncPrior: ['change-1'],
      }),
    );
  });

  describe('patchLocal', () => {
    beforeEach(async () => {
      await lastValueFrom(
        store.applyPulledBatch(
          'u1',
          'workOrders',
          [serverWorkOrder('w1', 4, { notes: 'n', scheduledFor: '2026-01-02' })],
          'cp',
        ),
      );
    });

    it('changes only the given fields of the current version', async () => {
      // Another tab (or a pull) changed the status after a form opened the record.
      await lastValueFrom(store.patchLocal('workOrders', 'w1', { status: 'done' }));

      const write = await lastValueFrom(store.patchLocal('workOrders', 'w1', { title: 'New' }));

      expect(write).toEqual({
        table: 'workOrders',
        id: 'w1',
        changeId: 'change-2',
        deleted: false,
      });
      expect(await stored('w1')).toEqual(
        jasmine.objectContaining({
          title: 'New',
          status: 'done',
          notes: 'n',
          syncPending: true,
          syncRev: 4,
          syncBase: {
            title: 'Order w1',
            customerId: 'c1',
            status: 'open',
            notes: 'n',
            scheduledFor: '2026-01-02',
          },
        }),
      );
    });

    it('removes an optional field given as null or undefined', async () => {
      await lastValueFrom(
        store.patchLocal('workOrders', 'w1', { notes: null, scheduledFor: undefined }),
      );

      const doc = await stored('w1');
      expect(doc?.notes).toBeUndefined();
      expect(doc?.scheduledFor).toBeUndefined();
      expect(doc?.title).toBe('Order w1');
    });

    it('refuses an absent or locally deleted record', async () => {
      await expectAsync(
        lastValueFrom(store.patchLocal('workOrders', 'nope', { title: 'x' })),
      ).toBeRejectedWithError(LocalRecordNotFoundError);
      await lastValueFrom(store.deleteLocal('workOrders', 'w1'));
      await expectAsync(
        lastValueFrom(store.patchLocal('workOrders', 'w1', { title: 'x' })),
      ).toBeRejectedWithError(LocalRecordNotFoundError);
      expect((await stored('w1'))?.title).toBe('Order w1');
    });

    it('is refused while writes are blocked', async () => {
      store.blockWrites();
      await expectAsync(
        lastValueFrom(store.patchLocal('workOrders', 'w1', { title: 'x' })),
      ).toBeRejectedWithError(LocalWriteBlockedError);
    });
  });

  it('watchRecord emits the plain record on field changes only, and null once deleted', async () => {
    await lastValueFrom(
      store.applyPulledBatch('u1', 'workOrders', [serverWorkOrder('w1', 4)], 'cp'),
    );
    const seen = new ReplaySubject<unknown>(10);
    const subscription = store.watchRecord('workOrders', 'w1').subscribe(seen);
    const emitted = (count: number) => firstValueFrom(seen.pipe(take(count), toArray()));

    await emitted(1);
    await lastValueFrom(store.patchLocal('workOrders', 'w1', { title: 'A' }));
    await emitted(2);
    // Metadata only (the push result holds the same fields): must not emit.
    await lastValueFrom(
      store.applyPushResults([
        {
          table: 'workOrders',
          id: 'w1',
          changeId: 'change-1',
          status: 'applied',
          rev: 5,
          record: serverWorkOrder('w1', 5, { title: 'A' }),
        },
      ]),
    );
    await lastValueFrom(store.patchLocal('workOrders', 'w1', { title: 'B' }));
    await emitted(3);
    await lastValueFrom(store.deleteLocal('workOrders', 'w1'));
    const all = await emitted(4);
    subscription.unsubscribe();

    expect(all).toEqual([
      workOrder('w1'),
      workOrder('w1', { title: 'A' }),
      workOrder('w1', { title: 'B' }),
      null,
    ]);
    expect(await firstValueFrom(store.watchRecord('workOrders', 'nope'))).toBeNull();
  });

  it('watchTable emits plain records, live, filtered by the query', async () => {
    const seen = firstValueFrom(
      store
        .watchTable('workOrders', { selector: { status: 'open' }, sort: [{ id: 'asc' }] })
        .pipe(take(3), toArray()),
    );
    await lastValueFrom(store.upsertLocal('workOrders', workOrder('w2')));
    await lastValueFrom(store.upsertLocal('workOrders', workOrder('w1')));

    const last = (await seen)[2];
    expect(last).toEqual([workOrder('w1'), workOrder('w2')]);
    expect(TEST_EPOCH).toBeGreaterThan(0);
  });
});
