import { TestBed } from '@angular/core/testing';
import { filter, firstValueFrom, lastValueFrom, type Observable } from 'rxjs';

import type { PushResult } from '../../../../contract/protocol';
import { LocalDatabase } from './local-database';
import {
  provideTestLocalDb,
  removeTestLocalDb,
  serverWorkOrder,
  workOrder,
} from './local-db.testing';
import { SyncStore } from './sync-store';

const run = <T>(source: Observable<T>) => lastValueFrom(source);

const applied = (id: string, changeId: string, rev: number): PushResult => ({
  table: 'workOrders',
  id,
  changeId,
  status: 'applied',
  rev,
});

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

async function stored(id: string) {
  const handle = await TestBed.inject(LocalDatabase).open();
  return (await handle.table('workOrders').findOne(id).exec())?.toJSON();
}

describe('SyncStore push side', () => {
  afterEach(() => removeTestLocalDb());

  it('lists pending changes oldest first, across transactional tables, as PushChanges', async () => {
    const store = setup();
    await run(store.upsertLocal('workOrders', workOrder('w2')));
    await run(
      store.upsertLocal('workOrderLines', {
        id: 'l1',
        workOrderId: 'w2',
        productId: 'p1',
        quantity: 3,
      }),
    );
    await run(store.upsertLocal('workOrders', workOrder('w1', { notes: 'n' })));

    const changes = await run(store.pendingChanges(10));

    expect(changes).toEqual([
      {
        table: 'workOrders',
        id: 'w2',
        changeId: 'change-1',
        baseRev: null,
        deleted: false,
        data: { title: 'Order w2', customerId: 'c1', status: 'open' },
      },
      // Work orders before lines within a batch (the server needs a line's work order first).
      jasmine.objectContaining({ id: 'w1', changeId: 'change-3' }),
      {
        table: 'workOrderLines',
        id: 'l1',
        changeId: 'change-2',
        baseRev: null,
        deleted: false,
        data: { workOrderId: 'w2', productId: 'p1', quantity: 3 },
      },
    ]);
    // The batch is still the oldest changes: w1 is the newest, so it waits for the next one.
    expect((await run(store.pendingChanges(2))).map((change) => change.id)).toEqual(['w2', 'l1']);
  });

  it('creates a work order before its line even when the order was edited after the line', async () => {
    const store = setup();
    await run(store.upsertLocal('workOrders', workOrder('w1')));
    await run(
      store.upsertLocal('workOrderLines', {
        id: 'l1',
        workOrderId: 'w1',
        productId: 'p1',
        quantity: 1,
      }),
    );
    await run(store.upsertLocal('workOrders', workOrder('w1', { title: 'Edited again' })));

    expect((await run(store.pendingChanges(10))).map((c) => `${c.table}/${c.id}`)).toEqual([
      'workOrders/w1',
      'workOrderLines/l1',
    ]);
  });

  it('deletes lines before their work order', async () => {
    const store = setup();
    await run(store.upsertLocal('workOrders', workOrder('w1')));
    await run(
      store.upsertLocal('workOrderLines', {
        id: 'l1',
        workOrderId: 'w1',
        productId: 'p1',
        quantity: 1,
      }),
    );
    await run(store.applyPushResults([applied('w1', 'change-1', 1)]));
    await run(
      store.applyPushResults([
        { table: 'workOrderLines', id: 'l1', changeId: 'change-2', status: 'applied', rev: 2 },
      ]),
    );
    await run(store.deleteLocal('workOrders', 'w1'));
    await run(store.deleteLocal('workOrderLines', 'l1'));

    expect(
      (await run(store.pendingChanges(10))).map((c) => `${c.table}/${c.id}/${c.deleted}`),
    ).toEqual(['workOrderLines/l1/true', 'workOrders/w1/true']);
  });

  it('marks an applied change synced at the new revision', async () => {
    const store = setup();
    await run(store.upsertLocal('workOrders', workOrder('w1')));

    const counts = await run(store.applyPushResults([applied('w1', 'change-1', 7)]));

    expect(counts.applied).toBe(1);
    expect(await stored('w1')).toEqual(
      jasmine.objectContaining({
        syncPending: false,
        syncRev: 7,
        syncAttempts: 0,
        syncError: '',
      }),
    );
    expect(await run(store.pendingChanges(10))).toEqual([]);
  });

  it('keeps a record edited during the push pending, rebased on the new revision', async () => {
    const store = setup();
    await run(store.upsertLocal('workOrders', workOrder('w1')));
    const [pushed] = await run(store.pendingChanges(10));
    await run(store.upsertLocal('workOrders', workOrder('w1', { title: 'edited' })));

    const counts = await run(store.applyPushResults([applied('w1', pushed.changeId, 7)]));

    expect(counts.rebased).toBe(1);
    const [next] = await run(store.pendingChanges(10));
    expect(next).toEqual(jasmine.objectContaining({ changeId: 'change-2', baseRev: 7 }));
    expect(next.data?.['title']).toBe('edited');
  });

  it('serialises a push result with a concurrent user edit of the same record', async () => {
    const store = setup();
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
    const store = setup();
    await run(store.applyPulledBatch('u1', 'workOrders', [serverWorkOrder('w1', 5)], 'cp'));
    const deletion = await run(store.deleteLocal('workOrders', 'w1'));
    const [change] = await run(store.pendingChanges(10));
    expect(change).toEqual(jasmine.objectContaining({ deleted: true, data: null, baseRev: 5 }));

    await run(store.applyPushResults([applied('w1', deletion.changeId, 6)]));

    expect(await stored('w1')).toBeUndefined();
  });

  it('dead-letters a conflict and keeps both versions', async () => {
    const store = setup();
    await run(store.upsertLocal('workOrders', workOrder('w1', { title: 'mine' })));
    const server = serverWorkOrder('w1', 9, { title: 'theirs' });

    const counts = await run(
      store.applyPushResults([
        { table: 'workOrders', id: 'w1', changeId: 'change-1', status: 'conflict', server },
      ]),
    );

    expect(counts.conflicts).toBe(1);
    expect(await stored('w1')).toEqual(
      jasmine.objectContaining({
        title: 'mine',
        syncPending: true,
        syncDeadLetter: true,
        syncError: 'conflict',
        syncConflict: server,
      }),
    );
    expect(await run(store.pendingChanges(10))).toEqual([]);
    expect(await firstValueFrom(store.deadLetterCount$)).toBe(1);
    expect(await firstValueFrom(store.pendingCount$)).toBe(0);
  });

  it('counts rejections and dead-letters the change after maxAttempts', async () => {
    const store = setup();
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

  it('takes maxAttempts from the config', async () => {
    const store = setup(1);
    await run(store.upsertLocal('workOrders', workOrder('w1')));

    await run(store.applyPushResults([rejected('w1', 'change-1', 'no')]));

    expect((await stored('w1'))?.syncDeadLetter).toBeTrue();
  });

  it('ignores a rejection of a change the user has already replaced', async () => {
    const store = setup();
    await run(store.upsertLocal('workOrders', workOrder('w1')));
    await run(store.upsertLocal('workOrders', workOrder('w1', { title: 'fixed' })));

    const counts = await run(store.applyPushResults([rejected('w1', 'change-1', 'bad')]));

    expect(counts.ignored).toBe(1);
    expect(await stored('w1')).toEqual(
      jasmine.objectContaining({ syncAttempts: 0, syncError: '' }),
    );
  });

  it('keeps pendingCount$ live', async () => {
    const store = setup();
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
