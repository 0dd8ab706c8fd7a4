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

describe('sync phases against real RxDB and a fake server', () => {
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

  const push = (batchSize = 50) => all(pushPhase({ store, transport: server, batchSize }, runOf()));
  const pull = (run = runOf(), pageSize = 50) =>
    all(
      pullPhase({ store, transport: server, registry: SYNC_TABLES, userId: USER, pageSize }, run),
    );

  async function local(id: string) {
    const handle = await TestBed.inject(LocalDatabase).open();
    return (await handle.table('workOrders').findOne(id).exec())?.toJSON();
  }

  describe('push', () => {
    it('sends pending changes in batches and marks them synced at the new revision', async () => {
      for (const id of ['w1', 'w2', 'w3'])
        await lastValueFrom(store.upsertLocal('workOrders', workOrder(id)));

      const progress = await push(2);

      expect(server.requests.map((r) => r.call)).toEqual(['push', 'push']);
      expect(progress.at(-1)).toEqual({ phase: 'push', sent: 3, rejected: 0, deadLettered: 0 });
      expect(
        server
          .live('workOrders')
          .map((r) => r.id)
          .sort(),
      ).toEqual(['w1', 'w2', 'w3']);
      const w3 = await local('w3');
      expect([w3?.syncPending, w3?.syncRev]).toEqual([false, server.get('workOrders', 'w3')?.rev]);
      expect(await push()).toEqual([]);
    });

    it('sends nothing at all when nothing is pending (no round trip)', async () => {
      expect(await push()).toEqual([]);
      expect(server.requests).toEqual([]);
    });

    it('dead-letters a conflict and keeps both versions', async () => {
      server.put('workOrders', 'w1', { title: 'Server title', customerId: 'c1', status: 'open' });
      await pull();
      await lastValueFrom(store.upsertLocal('workOrders', workOrder('w1', { title: 'Mine' })));
      server.put('workOrders', 'w1', {
        title: 'Changed elsewhere',
        customerId: 'c1',
        status: 'done',
      });

      const progress = await push();

      expect(progress.at(-1)).toEqual({ phase: 'push', sent: 1, rejected: 1, deadLettered: 1 });
      const w1 = await local('w1');
      expect(w1?.title).toBe('Mine');
      expect(w1?.syncDeadLetter).toBeTrue();
      expect((w1?.syncConflict as { data: { title: string } } | null)?.data.title).toBe(
        'Changed elsewhere',
      );
    });

    it('counts one attempt per run for a rejected record, and dead-letters it after three', async () => {
      server.reject('workOrders', 'w1', 'customer is on hold');
      await lastValueFrom(store.upsertLocal('workOrders', workOrder('w1')));

      expect((await push()).at(-1)).toEqual({
        phase: 'push',
        sent: 1,
        rejected: 1,
        deadLettered: 0,
      });
      expect((await push()).at(-1)).toEqual({
        phase: 'push',
        sent: 1,
        rejected: 1,
        deadLettered: 0,
      });
      expect((await push()).at(-1)).toEqual({
        phase: 'push',
        sent: 1,
        rejected: 1,
        deadLettered: 1,
      });
      expect(await push()).toEqual([]);
      const w1 = await local('w1');
      expect([w1?.syncDeadLetter, w1?.syncError]).toEqual([true, 'customer is on hold']);
    });

    it('fails the phase on a transport failure and keeps the change pending', async () => {
      await lastValueFrom(store.upsertLocal('workOrders', workOrder('w1')));
      server.failNext('push', SyncError.http(503));

      await expectAsync(push()).toBeRejectedWith(SyncError.http(503));
      expect((await local('w1'))?.syncPending).toBeTrue();
    });
  });

  describe('pull', () => {
    function seedServer(customers: number, orders: number) {
      for (let i = 1; i <= customers; i++) {
        server.put('customers', `c${i}`, {
          name: `C${i}`,
          email: 'e',
          phone: 'p',
          city: 'x',
          address: 'a',
        });
      }
      for (let i = 1; i <= orders; i++) {
        server.put('workOrders', `w${i}`, { title: `W${i}`, customerId: 'c1', status: 'open' });
      }
    }

    it('pulls every table in one request per round, page by page, until nothing remains', async () => {
      seedServer(30, 40);

      await pull(runOf(), 25);

      expect(server.requests.map((r) => r.call)).toEqual(['pull', 'pull', 'pull']);
      const handle = await TestBed.inject(LocalDatabase).open();
      expect(await handle.table('customers').count().exec()).toBe(30);
      expect(await handle.table('workOrders').count().exec()).toBe(40);
      // A sync with nothing new is one round trip.
      server.requests.length = 0;
      expect(await pull()).toEqual([]);
      expect(server.requests.length).toBe(1);
    });

    it('initially pulls only the given tables, with totals, and marks each complete', async () => {
      seedServer(5, 7);
      const run = runOf({ kind: 'initial', initialTables: ['customers', 'workOrders'] });

      const progress = await pull(run, 4);

      expect(progress.at(-1)).toEqual({ phase: 'pull', table: 'workOrders', done: 7, total: 7 });
      expect(progress.filter((p) => p.phase === 'pull' && p.table === 'customers').at(-1)).toEqual({
        phase: 'pull',
        table: 'customers',
        done: 5,
        total: 5,
      });
      expect((await lastValueFrom(store.completedInitialTables(USER))).sort()).toEqual([
        'customers',
        'workOrders',
      ]);
      expect(server.requests[0].call).toBe('manifest');
    });

    it('resumes from the saved checkpoints after a failure: nothing pulled twice or missed', async () => {
      seedServer(0, 10);
      const run = runOf({ kind: 'initial', initialTables: ['workOrders'] });
      server.failNext('pull', SyncError.offline(), 1);

      await expectAsync(pull(run, 4)).toBeRejectedWith(SyncError.offline());
      expect(await lastValueFrom(store.checkpoint(USER, 'workOrders'))).toBe('r:4');
      expect(await lastValueFrom(store.completedInitialTables(USER))).toEqual([]);

      server.requests.length = 0;
      const progress = await pull(run, 4);

      const pulls = server.requests.filter((r) => r.call === 'pull');
      expect((pulls[0].body as { tables: { checkpoint: unknown }[] }).tables[0].checkpoint).toBe(
        'r:4',
      );
      expect(progress.map((p) => (p.phase === 'pull' ? p.done : -1))).toEqual([8, 10]);
      expect(await lastValueFrom(store.count('workOrders'))).toBe(10);
      expect(await lastValueFrom(store.completedInitialTables(USER))).toEqual(['workOrders']);
    });

    /**
     * w1 is edited before the pull; w2 is edited inside the pull, in the writer's round `round`
     * (through its seam, awaited): 0 = the page has arrived and is not written yet; 1 = the
     * writer has read w2 as synced (round 0's refused guess returned it) and is about to write.
     */
    async function pullWithEditInRound(round: number) {
      seedServer(0, 2);
      await pull();
      await lastValueFrom(
        store.upsertLocal('workOrders', workOrder('w1', { title: 'Mine, before' })),
      );
      server.put('workOrders', 'w1', { title: 'Server 1', customerId: 'c1', status: 'open' });
      server.put('workOrders', 'w2', { title: 'Server 2', customerId: 'c1', status: 'open' });
      const editedAt: number[] = [];
      hooks.beforeWrite = async (current, ids) => {
        if (current !== round || !ids.includes('w2')) return;
        editedAt.push(current);
        await lastValueFrom(
          store.upsertLocal('workOrders', workOrder('w2', { title: 'Mine, during' })),
        );
      };

      await pull();

      expect(editedAt).toEqual([round]);
      expect((await local('w1'))?.title).toBe('Mine, before');
      expect(await local('w2')).toEqual(
        jasmine.objectContaining({ title: 'Mine, during', syncPending: true }),
      );
    }

    // Guard: a record with local changes is never overwritten (skipped when planned).
    it('never overwrites a record with unpushed local changes, even one edited while the page is on its way', async () => {
      await pullWithEditInRound(0);
    });

    // Guard: the writer's compare-and-swap refuses a write planned from a version since edited.
    it('never overwrites a record edited between the writer reading it and writing it', async () => {
      await pullWithEditInRound(1);
    });

    it('resyncs from the beginning when the server says a checkpoint is stale (409)', async () => {
      seedServer(3, 2);
      // Checkpoints from before a server reset: past anything this server has handed out.
      for (const table of ['customers', 'workOrders'] as const) {
        await lastValueFrom(store.setCheckpoint(USER, table, 'r:999'));
      }

      await pull();

      const pulls = server.requests.filter((r) => r.call === 'pull');
      expect(pulls.length).toBe(2);
      const retried = pulls[1].body as { tables: { checkpoint: unknown }[] };
      expect(retried.tables.every((t) => t.checkpoint === null)).toBeTrue();
      expect(await lastValueFrom(store.count('customers'))).toBe(3);
      expect(await lastValueFrom(store.count('workOrders'))).toBe(2);
    });

    it('applies tombstones, and re-pulls master tables from scratch on a master-data run', async () => {
      seedServer(3, 1);
      await pull();
      server.remove('workOrders', 'w1');
      await pull();
      expect(await local('w1')).toBeUndefined();

      server.requests.length = 0;
      await pull(runOf({ kind: 'masterData', masterData: true }));
      const body = server.requests[0].body as { tables: { table: string; checkpoint: unknown }[] };
      const checkpoints = Object.fromEntries(body.tables.map((t) => [t.table, t.checkpoint]));
      // Master tables start over; work orders continue (lines never had a record: still null).
      expect(checkpoints).toEqual({
        customers: null,
        products: null,
        workOrders: jasmine.stringMatching(/^r:\d+$/),
        workOrderLines: null,
      });
    });
  });
});
