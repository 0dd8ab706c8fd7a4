import { TestBed } from '@angular/core/testing';
import { firstValueFrom, lastValueFrom, take, toArray } from 'rxjs';

import { LocalDatabase } from './local-database';
import { provideTestLocalDb, removeTestLocalDb, TEST_EPOCH, workOrder } from './local-db.testing';
import { LocalWriteBlockedError, ReadOnlyTableError } from './local-write.errors';
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
      localDeleted: false,
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

  it('removes a never-pushed record outright on delete', async () => {
    await lastValueFrom(store.upsertLocal('workOrders', workOrder('w1')));

    const write = await lastValueFrom(store.deleteLocal('workOrders', 'w1'));

    expect(write.changeId).toBe('');
    expect(await stored('w1')).toBeUndefined();
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
