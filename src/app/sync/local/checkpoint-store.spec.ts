import { TestBed } from '@angular/core/testing';
import { lastValueFrom, type Observable } from 'rxjs';

import { LocalDatabase } from './local-database';
import {
  provideTestLocalDb,
  removeTestLocalDb,
  serverWorkOrder,
  workOrder,
} from './local-db.testing';
import { SyncLog } from './sync-log';
import { SyncStore } from './sync-store';

const run = <T>(source: Observable<T>) => lastValueFrom(source);

describe('SyncStore checkpoints and ownership', () => {
  let store: SyncStore;

  beforeEach(() => {
    TestBed.configureTestingModule({ providers: provideTestLocalDb() });
    store = TestBed.inject(SyncStore);
  });

  afterEach(() => removeTestLocalDb());

  it('keeps checkpoints per user and table', async () => {
    await run(store.setCheckpoint('u1', 'customers', 'a'));
    await run(store.setCheckpoint('u2', 'customers', 'b'));
    await run(store.setCheckpoint('u1', 'products', 'c'));

    expect(await run(store.checkpoint('u1', 'customers'))).toBe('a');
    expect(await run(store.checkpoint('u2', 'customers'))).toBe('b');
    expect(await run(store.checkpoint('u1', 'products'))).toBe('c');
    expect(await run(store.checkpoint('u2', 'products'))).toBeNull();
  });

  it('tracks initial completion per user, independently of the checkpoint', async () => {
    await run(store.setCheckpoint('u1', 'customers', 'a'));
    await run(store.markInitialComplete('u1', 'customers'));
    await run(store.markInitialComplete('u1', 'products'));
    await run(store.setCheckpoint('u1', 'customers', 'b'));

    expect((await run(store.completedInitialTables('u1'))).sort()).toEqual([
      'customers',
      'products',
    ]);
    expect(await run(store.completedInitialTables('u2'))).toEqual([]);
    expect(await run(store.checkpoint('u1', 'customers'))).toBe('b');
  });

  it('resets checkpoints of the given tables only', async () => {
    await run(store.setCheckpoint('u1', 'customers', 'a'));
    await run(store.markInitialComplete('u1', 'customers'));
    await run(store.setCheckpoint('u1', 'workOrders', 'w'));
    await run(store.markInitialComplete('u1', 'workOrders'));

    await run(store.resetCheckpoints('u1', ['customers']));

    expect(await run(store.checkpoint('u1', 'customers'))).toBeNull();
    expect(await run(store.completedInitialTables('u1'))).toEqual(['workOrders']);
    expect(await run(store.checkpoint('u1', 'workOrders'))).toBe('w');
  });

  it('wipes records, checkpoints and log when another user takes over', async () => {
    const log = TestBed.inject(SyncLog);
    expect(await run(store.ensureOwner('u1'))).toBeTrue();
    await run(store.applyPulledBatch('u1', 'workOrders', [serverWorkOrder('w1', 1)], 'cp'));
    await run(store.upsertLocal('workOrders', workOrder('w2')));
    log.append({ level: 'info', runId: 'r', kind: 'pull', phase: 'end', message: 'done' });
    await log.flush();

    expect(await run(store.ensureOwner('u2'))).toBeTrue();

    const handle = await TestBed.inject(LocalDatabase).open();
    expect(await run(store.count('workOrders'))).toBe(0);
    expect(await run(store.checkpoint('u1', 'workOrders'))).toBeNull();
    expect(await handle.synclog.count().exec()).toBe(0);
    expect(await run(store.owner())).toBe('u2');
    // Tombstones are purged too: nothing of u1's data is left in the storage.
    const raw = await handle
      .table('workOrders')
      .storageInstance.findDocumentsById(['w1', 'w2'], true);
    expect(raw).toEqual([]);
  });

  it('keeps everything for the same user', async () => {
    await run(store.ensureOwner('u1'));
    await run(store.upsertLocal('workOrders', workOrder('w1')));
    await run(store.setCheckpoint('u1', 'workOrders', 'cp'));

    expect(await run(store.ensureOwner('u1'))).toBeFalse();

    expect(await run(store.count('workOrders'))).toBe(1);
    expect(await run(store.checkpoint('u1', 'workOrders'))).toBe('cp');
  });
});
