import { TestBed } from '@angular/core/testing';
import { firstValueFrom, lastValueFrom, type Observable } from 'rxjs';

import { LocalDatabase } from './local-database';
import {
  provideTestLocalDb,
  removeTestLocalDb,
  serverWorkOrder,
  tombstone,
  workOrder,
} from './local-db.testing';
import { RESYNC_CONFLICT_REASON } from './resync-store';
import { SyncStore } from './sync-store';

const run = <T>(source: Observable<T>) => lastValueFrom(source);
const USER = 'u1';

/** Rule 8 at the store: what a resync does to the local records. */
describe('SyncStore resync', () => {
  let store: SyncStore;

  const stored = async (id: string) => {
    const handle = await TestBed.inject(LocalDatabase).open();
    return (await handle.table('workOrders').findOne(id).exec())?.toJSON();
  };
  const pull = (...records: Parameters<SyncStore['applyPulledBatch']>[2]) =>
    run(store.applyPulledBatch(USER, 'workOrders', records, 'r:9'));

  beforeEach(async () => {
    TestBed.configureTestingModule({ providers: provideTestLocalDb() });
    store = TestBed.inject(SyncStore);
    // The old epoch: a synced record, an edited one, a dead letter, and a local creation.
    await pull(
      serverWorkOrder('synced', 10),
      serverWorkOrder('edited', 11),
      serverWorkOrder('parked', 12),
    );
    await run(store.markInitialComplete(USER, 'workOrders'));
    await run(store.patchLocal('workOrders', 'edited', { title: 'mine' }));
    await run(store.patchLocal('workOrders', 'parked', { title: 'parked' }));
    const handle = await TestBed.inject(LocalDatabase).open();
    await (
      await handle.table('workOrders').findOne('parked').exec()
    )?.incrementalPatch({
      syncDeadLetter: true,
      syncError: 'bad',
    });
    await run(store.upsertLocal('workOrders', workOrder('created')));
    await run(store.saveEpoch(USER, 'epoch-1'));
  });

  afterEach(() => removeTestLocalDb());

  it('is recorded first, marks every record stale and resets every checkpoint, not the gate', async () => {
    await run(store.startResync(USER, 'epoch-2'));

    expect(await run(store.epochState(USER))).toEqual({
      epoch: 'epoch-1',
      resync: { target: 'epoch-2', stage: 'pull' },
    });
    for (const id of ['synced', 'edited', 'parked', 'created']) {
      expect((await stored(id))?.syncStale)
        .withContext(id)
        .toBeTrue();
    }
    expect(await run(store.pullPosition(USER, 'workOrders'))).toEqual({
      checkpoint: null,
      generation: 1,
    });
    expect(await run(store.completedInitialTables(USER))).toEqual(['workOrders']);
  });

  it('replaces a stale record whatever the revisions; one with local changes becomes a conflict', async () => {
    await run(store.startResync(USER, 'epoch-2'));

    // The new epoch counts from 1 again: lower revisions than the local ones.
    const counts = await pull(
      serverWorkOrder('synced', 1, { title: 'restored' }),
      serverWorkOrder('edited', 2, { title: 'restored' }),
      serverWorkOrder('parked', 3, { status: 'done' }),
      serverWorkOrder('created', 4),
    );

    expect(counts).toEqual(
      jasmine.objectContaining({ written: 1, conflicts: 2, skippedPending: 1 }),
    );
    expect(await stored('synced')).toEqual(
      jasmine.objectContaining({ title: 'restored', syncRev: 1, syncStale: false }),
    );
    expect(await stored('edited')).toEqual(
      jasmine.objectContaining({
        title: 'mine',
        syncStale: false,
        syncPending: true,
        syncDeadLetter: true,
        syncConflict: serverWorkOrder('edited', 2, { title: 'restored' }),
        syncConflictFields: ['title'],
        syncError: RESYNC_CONFLICT_REASON,
        syncBase: null,
      }),
    );
    expect(await stored('parked')).toEqual(
      jasmine.objectContaining({ syncDeadLetter: true, syncConflictFields: ['title', 'status'] }),
    );
    // A creation the server never saw: left alone (the id is taken there; the push will say).
    expect(await stored('created')).toEqual(
      jasmine.objectContaining({ syncStale: true, syncPending: true, syncRev: -1 }),
    );
    const letters = await firstValueFrom(store.watchDeadLetters());
    expect(letters.map((letter) => [letter.id, letter.reason])).toEqual(
      jasmine.arrayWithExactContents([
        ['edited', 'conflict'],
        ['parked', 'conflict'],
      ]),
    );
  });

  it('at the end removes what the server no longer has, and conflicts what had local changes', async () => {
    await run(store.startResync(USER, 'epoch-2'));
    await pull(tombstone('nothing-here', 1));

    const counts = await run(store.finishResync(USER, 'epoch-2'));

    expect(counts).toEqual({ removed: 1, conflicts: 2, kept: 1 });
    expect(await stored('synced')).toBeUndefined();
    expect(await stored('edited')).toEqual(
      jasmine.objectContaining({
        title: 'mine',
        syncDeadLetter: true,
        syncStale: false,
        syncConflict: { id: 'edited', rev: 0, deleted: true, data: null, updatedAt: 0 },
        syncConflictFields: [],
      }),
    );
    expect(await stored('created')).toEqual(
      jasmine.objectContaining({ syncStale: false, syncPending: true }),
    );
    expect(await run(store.epochState(USER))).toEqual({ epoch: 'epoch-2', resync: null });
    expect(await run(store.completedInitialTables(USER))).toEqual(['workOrders']);
  });

  it('keeps a stale local deletion the server no longer has, to push it with no base', async () => {
    // Another device may push the record again to the new epoch (its create's answer was lost
    // before the restore): only the tombstone this deletion leaves makes that a conflict.
    await run(store.deleteLocal('workOrders', 'synced'));
    await run(store.startResync(USER, 'epoch-2'));

    await run(store.finishResync(USER, 'epoch-2'));

    const [change] = (await run(store.pendingChanges(10))).filter((c) => c.id === 'synced');
    expect(change).toEqual(jasmine.objectContaining({ deleted: true, baseRev: null, base: null }));
  });

  it('"keep mine" on a resync conflict keeps every local field, even one synced before', async () => {
    // "synced" took a pushed title in the old epoch, then a no-op edit kept it pending.
    await run(store.patchLocal('workOrders', 'synced', { title: 'pushed long ago' }));
    await run(store.startResync(USER, 'epoch-2'));
    // The restored server never got that title.
    const restored = serverWorkOrder('synced', 1, { status: 'done' });
    await pull(restored);

    await run(store.keepLocalVersion('workOrders', 'synced', restored));

    const [change] = (await run(store.pendingChanges(10))).filter((c) => c.id === 'synced');
    expect(change).toEqual(
      jasmine.objectContaining({
        baseRev: 1,
        data: { title: 'pushed long ago', customerId: 'c1', status: 'open' },
      }),
    );
  });

  it('can be started again over a half-done one (a crash while marking)', async () => {
    await run(store.startResync(USER, 'epoch-2'));
    await pull(serverWorkOrder('synced', 1));

    await run(store.startResync(USER, 'epoch-3'));

    expect((await stored('synced'))?.syncStale).toBeTrue();
    expect((await run(store.epochState(USER))).resync).toEqual({
      target: 'epoch-3',
      stage: 'pull',
    });
  });
});
