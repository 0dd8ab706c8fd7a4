import { TestBed } from '@angular/core/testing';
import { lastValueFrom, type Observable, toArray } from 'rxjs';

import { SYNC_TABLES } from '../../../../contract/tables';
import { SyncError, type RunContext } from '../core';
import { LocalDatabase, PULL_WRITE_HOOKS, SyncStore, type PullWriteHooks } from '../local';
import { provideTestLocalDb, removeTestLocalDb, workOrder } from '../local/local-db.testing';
import { FakeSyncApi } from '../testing/fake-sync-api';
import { pullPhase } from './pull-phase';
import { pushPhase } from './push-phase';

const USER = 'u-alice';

const runOf = (overrides: Partial<RunContext> = {}): RunContext => ({
  runId: 'run-1',
  kind: 'manual',
  scope: 'full',
  masterData: false,
  initialTables: [],
  tabId: 'tab-1',
  startedAt: 0,
  ...overrides,
});

const all = <T>(source: Observable<T>) => lastValueFrom(source.pipe(toArray()));
const order = (title: string) => ({ title, customerId: 'c1', status: 'open' });

/** Rules 7 and 8 through the pull phase, against real RxDB and the in-memory server. */
describe('pull phase: epochs and fenced checkpoints', () => {
  let server: FakeSyncApi;
  let store: SyncStore;
  let hooks: PullWriteHooks;

  beforeEach(() => {
    hooks = {};
    TestBed.configureTestingModule({
      providers: [...provideTestLocalDb(), { provide: PULL_WRITE_HOOKS, useValue: hooks }],
    });
    store = TestBed.inject(SyncStore);
    server = new FakeSyncApi();
  });
  afterEach(() => removeTestLocalDb());

  const pull = (run = runOf(), pageSize = 50) =>
    all(
      pullPhase({ store, transport: server, registry: SYNC_TABLES, userId: USER, pageSize }, run),
    );
  const push = () => all(pushPhase({ store, transport: server, batchSize: 50 }, runOf()));

  async function local(id: string) {
    const handle = await TestBed.inject(LocalDatabase).open();
    return (await handle.table('workOrders').findOne(id).exec())?.toJSON();
  }

  /** Three work orders synced in epoch-1, all tables initially complete, one edited locally. */
  async function deviceInEpoch1(initialTables = SYNC_TABLES.map((spec) => spec.name)) {
    for (const id of ['w1', 'w2', 'w3']) server.put('workOrders', id, order(`Old ${id}`));
    await pull(runOf({ kind: 'initial', initialTables }));
    await lastValueFrom(store.patchLocal('workOrders', 'w2', { title: 'Mine' }));
  }

  /** The server restored from a backup that has w1 (at a low revision) and a new w4. */
  function restore(epoch = 'epoch-2') {
    server.replaceData(epoch);
    server.put('workOrders', 'w1', order('Restored w1'));
    server.put('workOrders', 'w2', order('Restored w2'));
    server.put('workOrders', 'w4', order('Only on the restored server'));
  }

  it('stores the epoch of the first answer', async () => {
    await pull();

    expect(await lastValueFrom(store.epochState(USER))).toEqual({ epoch: 'epoch-1', resync: null });
  });

  // Rule 8.
  it('resyncs on a new epoch: replaces, removes and conflicts, and never reopens the gate', async () => {
    await deviceInEpoch1();
    restore();

    await pull();

    expect(await local('w1')).toEqual(
      jasmine.objectContaining({ title: 'Restored w1', syncRev: 1, syncStale: false }),
    );
    // Edited locally in the old epoch: a conflict with the restored version, never pushed blind.
    expect(await local('w2')).toEqual(
      jasmine.objectContaining({
        title: 'Mine',
        syncDeadLetter: true,
        syncConflict: jasmine.objectContaining({ rev: 2, data: order('Restored w2') }),
      }),
    );
    // The restored server doesn't have it: gone.
    expect(await local('w3')).toBeUndefined();
    expect(await local('w4')).toEqual(jasmine.objectContaining({ syncRev: 3 }));
    expect(await lastValueFrom(store.epochState(USER))).toEqual({ epoch: 'epoch-2', resync: null });
    expect((await lastValueFrom(store.completedInitialTables(USER))).length).toBe(
      SYNC_TABLES.length,
    );
    // Nothing of the old epoch is pushed: w2 waits for its owner's decision.
    expect(await push()).toEqual([]);
  });

  it('treats a 409 stale checkpoint as a new epoch: the same resync', async () => {
    await deviceInEpoch1();
    // Data replaced without a new epoch: the checkpoints point past the server's revisions.
    server.replaceData('epoch-1');
    server.put('workOrders', 'w1', order('Restored w1'));

    await pull();

    const pulls = server.requests.filter((request) => request.call === 'pull');
    expect(pulls.length).toBeGreaterThan(1);
    expect(await local('w1')).toEqual(jasmine.objectContaining({ title: 'Restored w1' }));
    expect(await local('w3')).toBeUndefined();
    expect((await local('w2'))?.syncDeadLetter).toBeTrue();
    expect(await lastValueFrom(store.epochState(USER))).toEqual({ epoch: 'epoch-1', resync: null });
  });

  it('continues a resync that a failure interrupted, in the next run', async () => {
    await deviceInEpoch1();
    restore();
    // The first answer names epoch-2 (the resync starts); the next page fails.
    server.failNext('pull', SyncError.offline(), 1);

    await expectAsync(pull(runOf(), 1)).toBeRejectedWith(SyncError.offline());
    expect((await lastValueFrom(store.epochState(USER))).resync).toEqual({
      target: 'epoch-2',
      stage: 'pull',
    });
    expect((await local('w3'))?.syncStale).toBeTrue();

    await pull(runOf(), 1);

    expect(await local('w3')).toBeUndefined();
    expect(await local('w1')).toEqual(jasmine.objectContaining({ title: 'Restored w1' }));
    expect(await lastValueFrom(store.epochState(USER))).toEqual({ epoch: 'epoch-2', resync: null });
  });

  it('starts the marking again when a crash stopped it before the pull (stage start)', async () => {
    await deviceInEpoch1();
    restore();
    const handle = await TestBed.inject(LocalDatabase).open();
    // Recorded, then the tab died before anything was marked.
    await handle.meta.upsert({
      key: `resync|${USER}`,
      value: JSON.stringify({ target: 'epoch-2', stage: 'start' }),
    });

    await pull();

    expect(await local('w3')).toBeUndefined();
    expect(await local('w1')).toEqual(jasmine.objectContaining({ title: 'Restored w1' }));
    expect(await lastValueFrom(store.epochState(USER))).toEqual({ epoch: 'epoch-2', resync: null });
  });

  it('resyncs every table during an initial run too, and marks only its own tables complete', async () => {
    // An app update added the lines table: the gate pulls only it, and finds a new epoch.
    await deviceInEpoch1(['customers', 'products', 'workOrders']);
    restore();
    const run = runOf({ kind: 'initial', initialTables: ['workOrderLines'] });

    await pull(run);

    expect(await local('w3')).toBeUndefined();
    expect((await lastValueFrom(store.completedInitialTables(USER))).length).toBe(
      SYNC_TABLES.length,
    );
  });

  // Rule 7: the race driven through the writer's seam, awaited, no timers.
  it('stops a table whose checkpoints were reset while it was pulled, without saving its cursor', async () => {
    for (let i = 1; i <= 4; i++) server.put('workOrders', `w${i}`, order(`W${i}`));
    server.put('customers', 'c1', {
      name: 'C',
      email: 'e',
      phone: 'p',
      city: 'x',
      address: 'a',
    });
    let resets = 0;
    hooks.beforeCheckpoint = async (table, checkpoint) => {
      if (table !== 'workOrders' || resets > 0) return;
      resets++;
      // The first page: c1 (rev 5) fills customers, w1 (rev 1) is the one work order that fits.
      expect(checkpoint).toBe('r:1');
      // A master-data re-sync in another tab, say: lands between the page and its checkpoint.
      await lastValueFrom(store.resetCheckpoints(USER, ['workOrders']));
    };
    const run = runOf({ kind: 'initial', initialTables: ['customers', 'workOrders'] });

    await pull(run, 2);

    expect(resets).toBe(1);
    expect(await lastValueFrom(store.pullPosition(USER, 'workOrders'))).toEqual({
      checkpoint: null,
      generation: 1,
    });
    // Not completed: the gate will pull it again; the other table went on and finished.
    expect(await lastValueFrom(store.completedInitialTables(USER))).toEqual(['customers']);
    // The page already on its way when the reset landed is dropped, and nothing more is asked.
    expect(server.requests.filter((request) => request.call === 'pull').length).toBe(2);
    expect(await lastValueFrom(store.count('workOrders'))).toBe(1);
  });

  it('re-pulls master data without reopening the gate (history 7)', async () => {
    await deviceInEpoch1();

    await pull(runOf({ kind: 'masterData', masterData: true }));

    expect((await lastValueFrom(store.completedInitialTables(USER))).length).toBe(
      SYNC_TABLES.length,
    );
    expect(await lastValueFrom(store.pullPosition(USER, 'customers'))).toEqual({
      checkpoint: null,
      generation: 1,
    });
  });

  // Rule 8 before the pull notices: a base revision of the old epoch may exist in the new one.
  it('pushes nothing to a server of another epoch; the pull then turns the edit into a conflict', async () => {
    await lastValueFrom(store.ensureOwner(USER));
    await deviceInEpoch1();
    server.replaceData('epoch-2');
    // Another device's edit in the new epoch gets the very revision w2's edit is based on.
    server.put('workOrders', 'x0', order('Other'));
    server.put('workOrders', 'w2', { ...order('Old w2'), notes: 'theirs' });
    const [pending] = await lastValueFrom(store.pendingChanges(10));
    expect(server.get('workOrders', 'w2')?.rev).toBe(pending.baseRev as number);

    expect(await push()).toEqual([]);
    expect(server.requests.map((request) => request.call)).not.toContain('push');
    expect(server.get('workOrders', 'w2')?.data).toEqual({ ...order('Old w2'), notes: 'theirs' });

    await pull();
    expect((await local('w2'))?.syncDeadLetter).toBeTrue();
  });

  it('pushes what was created locally during a resync once it has ended', async () => {
    await deviceInEpoch1();
    restore();
    await pull();
    await lastValueFrom(store.upsertLocal('workOrders', workOrder('w9')));

    await push();

    expect(server.get('workOrders', 'w9')?.data).toEqual(order('Order w9'));
  });
});
