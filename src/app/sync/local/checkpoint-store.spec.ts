import { TestBed } from '@angular/core/testing';
import { lastValueFrom, type Observable } from 'rxjs';

import { LocalDatabase } from './local-database';
import { PULL_WRITE_HOOKS } from './local-db.tokens';
import {
  provideTestLocalDb,
  removeTestLocalDb,
  serverWorkOrder,
  workOrder,
} from './local-db.testing';
import type { PullWriteHooks } from './pull-writer';
import { SyncLog } from './sync-log';
import { SyncStore } from './sync-store';

const run = <T>(source: Observable<T>) => lastValueFrom(source);

describe('SyncStore checkpoints and ownership', () => {
  let store: SyncStore;
  let hooks: PullWriteHooks;

  beforeEach(() => {
    hooks = {};
    TestBed.configureTestingModule({
      providers: [...provideTestLocalDb(), { provide: PULL_WRITE_HOOKS, useValue: hooks }],
    });
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

  // Rule 7; and history 7: a master-data re-sync must not reopen the initial-sync gate.
  it('resets checkpoints of the given tables only, bumping their generation, never the gate', async () => {
    await run(store.setCheckpoint('u1', 'customers', 'a'));
    await run(store.markInitialComplete('u1', 'customers'));
    await run(store.setCheckpoint('u1', 'workOrders', 'w'));
    await run(store.markInitialComplete('u1', 'workOrders'));

    await run(store.resetCheckpoints('u1', ['customers']));

    expect(await run(store.pullPosition('u1', 'customers'))).toEqual({
      checkpoint: null,
      generation: 1,
    });
    expect((await run(store.completedInitialTables('u1'))).sort()).toEqual([
      'customers',
      'workOrders',
    ]);
    expect(await run(store.pullPosition('u1', 'workOrders'))).toEqual({
      checkpoint: 'w',
      generation: 0,
    });
  });

  describe('the generation fence (rule 7)', () => {
    const page = (generation?: number) =>
      run(
        store.applyPulledBatch('u1', 'workOrders', [serverWorkOrder('w1', 1)], 'r:1', generation),
      );

    it('saves a page checkpoint when the generation is the one the pull started with', async () => {
      const { generation } = await run(store.pullPosition('u1', 'workOrders'));

      expect((await page(generation)).checkpointSaved).toBeTrue();
      expect(await run(store.checkpoint('u1', 'workOrders'))).toBe('r:1');
    });

    it('never saves a cursor over a reset that happened while the pull ran', async () => {
      await run(store.setCheckpoint('u1', 'workOrders', 'r:0'));
      const { generation } = await run(store.pullPosition('u1', 'workOrders'));
      // The reset lands after the page's records are written, before its checkpoint is saved.
      let resets = 0;
      hooks.beforeCheckpoint = async () => {
        resets++;
        await run(store.resetCheckpoints('u1', ['workOrders']));
      };

      const result = await page(generation);

      expect(resets).toBe(1);
      expect(result.checkpointSaved).toBeFalse();
      expect(await run(store.pullPosition('u1', 'workOrders'))).toEqual({
        checkpoint: null,
        generation: generation + 1,
      });
      // The records are server data whatever the cursor: they stay.
      expect(await run(store.count('workOrders'))).toBe(1);
    });

    it('saves unconditionally without a generation', async () => {
      await run(store.resetCheckpoints('u1', ['workOrders']));

      expect((await page()).checkpointSaved).toBeTrue();
      expect(await run(store.checkpoint('u1', 'workOrders'))).toBe('r:1');
    });
  });

  it('wipes records, checkpoints and log when another user takes over', async () => {
    const log = TestBed.inject(SyncLog);
    expect(await run(store.ensureOwner('u1'))).toBeTrue();
    await run(store.applyPulledBatch('u1', 'workOrders', [serverWorkOrder('w1', 1)], 'cp'));
    await run(store.upsertLocal('workOrders', workOrder('w2')));
    log.append({ level: 'info', runId: 'r', kind: 'pull', phase: 'end', message: 'done' });
    await log.flush();

    await run(store.saveEpoch('u1', 'epoch-1'));
    await run(store.startResync('u1', 'epoch-2'));

    expect(await run(store.ensureOwner('u2'))).toBeTrue();

    const handle = await TestBed.inject(LocalDatabase).open();
    expect(await run(store.count('workOrders'))).toBe(0);
    expect(await run(store.checkpoint('u1', 'workOrders'))).toBeNull();
    expect(await handle.synclog.count().exec()).toBe(0);
    expect(await run(store.owner())).toBe('u2');
    expect(await run(store.epochState('u1'))).toEqual({ epoch: null, resync: null });
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
