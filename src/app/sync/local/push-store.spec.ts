import { TestBed } from '@angular/core/testing';
import { lastValueFrom, type Observable } from 'rxjs';

import { MAX_PRIOR_CHANGE_IDS, type PushResult } from '../../../../contract/protocol';
import { LocalDatabase } from './local-database';
import {
  provideTestLocalDb,
  removeTestLocalDb,
  serverLine,
  serverWorkOrder,
  workOrder,
  workOrderLine,
} from './local-db.testing';
import { SyncStore } from './sync-store';

const run = <T>(source: Observable<T>) => lastValueFrom(source);

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

const ids = (changes: { table: string; id: string }[]) => changes.map((c) => `${c.table}/${c.id}`);

describe('SyncStore push side: pending changes', () => {
  let store: SyncStore;
  afterEach(() => removeTestLocalDb());

  describe('pending changes', () => {
    beforeEach(() => (store = setup()));

    it('lists pending changes as PushChanges: writes in registry order, oldest first', async () => {
      await run(store.upsertLocal('workOrders', workOrder('w2')));
      await run(store.upsertLocal('workOrderLines', workOrderLine('l1', 'w2', { quantity: 3 })));
      await run(store.upsertLocal('workOrders', workOrder('w1', { notes: 'n' })));

      const changes = await run(store.pendingChanges(10));

      expect(changes).toEqual([
        {
          table: 'workOrders',
          id: 'w2',
          changeId: 'change-1',
          baseRev: null,
          base: null,
          priorChangeIds: [],
          deleted: false,
          data: { title: 'Order w2', customerId: 'c1', status: 'open' },
        },
        jasmine.objectContaining({ id: 'w1', changeId: 'change-3' }),
        {
          table: 'workOrderLines',
          id: 'l1',
          changeId: 'change-2',
          baseRev: null,
          base: null,
          priorChangeIds: [],
          deleted: false,
          data: { workOrderId: 'w2', productId: 'p1', quantity: 3 },
        },
      ]);
    });

    // Rule 9: the order is decided BEFORE the batch is cut to the limit.
    it('never sends a line in an earlier batch than its new work order, edited after the line', async () => {
      await run(store.upsertLocal('workOrders', workOrder('w1')));
      await run(store.upsertLocal('workOrderLines', workOrderLine('l1', 'w1')));
      await run(store.upsertLocal('workOrders', workOrder('w1', { title: 'Edited again' })));

      expect(ids(await run(store.pendingChanges(1)))).toEqual(['workOrders/w1']);
      expect(ids(await run(store.pendingChanges(10)))).toEqual([
        'workOrders/w1',
        'workOrderLines/l1',
      ]);
    });

    it('cuts each group oldest first, deletions last and children first', async () => {
      for (const id of ['w1', 'w2']) {
        await run(store.applyPulledBatch('u1', 'workOrders', [serverWorkOrder(id, 1)], 'cp'));
      }
      await run(store.applyPulledBatch('u1', 'workOrderLines', [serverLine('l1', 2, 'w1')], 'cp'));
      await run(store.deleteLocal('workOrders', 'w1'));
      await run(store.deleteLocal('workOrderLines', 'l1'));
      await run(store.upsertLocal('workOrderLines', workOrderLine('l2', 'w2')));
      await run(store.upsertLocal('workOrders', workOrder('w3')));

      expect(ids(await run(store.pendingChanges(10)))).toEqual([
        'workOrders/w3',
        'workOrderLines/l2',
        'workOrderLines/l1',
        'workOrders/w1',
      ]);
      expect(ids(await run(store.pendingChanges(3)))).toEqual([
        'workOrders/w3',
        'workOrderLines/l2',
        'workOrderLines/l1',
      ]);
    });

    it('sends the base an edit started from, and the changes whose answer was never heard', async () => {
      await run(store.applyPulledBatch('u1', 'workOrders', [serverWorkOrder('w1', 5)], 'cp'));
      await run(store.patchLocal('workOrders', 'w1', { title: 'first' }));
      await run(store.patchLocal('workOrders', 'w1', { status: 'done' }));

      const [change] = await run(store.pendingChanges(10));

      expect(change).toEqual({
        table: 'workOrders',
        id: 'w1',
        changeId: 'change-2',
        baseRev: 5,
        base: { title: 'Order w1', customerId: 'c1', status: 'open' },
        priorChangeIds: ['change-1'],
        deleted: false,
        data: { title: 'first', customerId: 'c1', status: 'done' },
      });
    });

    it(`keeps at most ${MAX_PRIOR_CHANGE_IDS} prior change ids, the newest`, async () => {
      await run(store.upsertLocal('workOrders', workOrder('w1')));
      for (let i = 0; i < MAX_PRIOR_CHANGE_IDS + 2; i++) {
        await run(store.patchLocal('workOrders', 'w1', { notes: `n${i}` }));
      }

      const [change] = await run(store.pendingChanges(10));

      expect(change.changeId).toBe(`change-${MAX_PRIOR_CHANGE_IDS + 3}`);
      expect(change.priorChangeIds?.length).toBe(MAX_PRIOR_CHANGE_IDS);
      expect(change.priorChangeIds?.[0]).toBe('change-3');
      expect(change.priorChangeIds?.at(-1)).toBe(`change-${MAX_PRIOR_CHANGE_IDS + 2}`);
    });

    it('holds back records of an older epoch while a resync runs', async () => {
      await run(store.applyPulledBatch('u1', 'workOrders', [serverWorkOrder('w1', 5)], 'cp'));
      await run(store.patchLocal('workOrders', 'w1', { title: 'old epoch edit' }));
      await run(store.startResync('u1', 'epoch-2'));
      await run(store.upsertLocal('workOrders', workOrder('w2')));

      expect(ids(await run(store.pendingChanges(10)))).toEqual(['workOrders/w2']);
    });
  });

  it('takes maxAttempts from the config', async () => {
    store = setup(1);
    await run(store.upsertLocal('workOrders', workOrder('w1')));

    await run(store.applyPushResults([rejected('w1', 'change-1', 'no')]));

    expect((await stored('w1'))?.syncDeadLetter).toBeTrue();
  });
});
