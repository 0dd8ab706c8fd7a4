import { TestBed } from '@angular/core/testing';
import { filter, firstValueFrom, lastValueFrom, type Observable } from 'rxjs';

import { LocalDatabase, type LocalDbHandle } from './local-database';
import {
  provideTestLocalDb,
  pullWorkOrders,
  removeTestLocalDb,
  storedWorkOrder,
  conflictResult,
  serverWorkOrder,
  tombstone,
  workOrder,
} from './local-db.testing';
import { PULL_WRITE_CONTEXT } from './pull-writer';
import { SyncStore } from './sync-store';

const run = <T>(source: Observable<T>) => lastValueFrom(source);

describe('SyncStore pull writer', () => {
  let store: SyncStore;
  let handle: LocalDbHandle;

  const stored = (id: string) => storedWorkOrder(handle, id);
  const pull = (...records: Parameters<SyncStore['applyPulledBatch']>[2]) =>
    pullWorkOrders(store, records);

  beforeEach(async () => {
    TestBed.configureTestingModule({ providers: provideTestLocalDb() });
    store = TestBed.inject(SyncStore);
    handle = await TestBed.inject(LocalDatabase).open();
  });

  afterEach(() => removeTestLocalDb());

  it('writes a page in one storage bulk write, visible to queries and the change stream', async () => {
    const collection = handle.table('workOrders');
    const bulkWrite = spyOn(collection.storageInstance, 'bulkWrite').and.callThrough();
    const events = firstValueFrom(collection.$.pipe(filter((e) => e.documentId === 'w2')));

    const counts = await pull(serverWorkOrder('w1', 1), serverWorkOrder('w2', 2));

    expect(counts).toEqual({
      written: 2,
      skippedPending: 0,
      deleted: 0,
      unchanged: 0,
      conflicts: 0,
    });
    expect(bulkWrite).toHaveBeenCalledTimes(1);
    expect(bulkWrite.calls.argsFor(0)[1]).toBe(PULL_WRITE_CONTEXT);
    expect((await events).operation).toBe('INSERT');
    const visible = await firstValueFrom(store.watchTable('workOrders', { sort: [{ id: 'asc' }] }));
    expect(visible).toEqual([workOrder('w1'), workOrder('w2')]);
    expect(await stored('w2')).toEqual(
      jasmine.objectContaining({
        syncPending: false,
        syncRev: 2,
        syncChangeId: '',
        localDeleted: false,
      }),
    );
  });

  it('writes new records without reading them first, and reads only the tombstones', async () => {
    await pull(serverWorkOrder('w1', 1));
    const read = spyOn(handle.table('workOrders').storageInstance, 'findDocumentsById');
    read.and.callThrough();

    await pull(serverWorkOrder('w2', 1), serverWorkOrder('w3', 1));
    expect(read).not.toHaveBeenCalled();

    const counts = await pull(tombstone('w1', 2), serverWorkOrder('w4', 1));
    expect(read).toHaveBeenCalledOnceWith(['w1'], true);
    expect(counts).toEqual(jasmine.objectContaining({ written: 1, deleted: 1 }));
  });

  it('updates known records from the versions its refused first guess returns', async () => {
    await pull(serverWorkOrder('w1', 1), serverWorkOrder('w2', 1));
    const bulkWrite = spyOn(handle.table('workOrders').storageInstance, 'bulkWrite');
    bulkWrite.and.callThrough();

    const counts = await pull(
      serverWorkOrder('w1', 2, { title: 'newer' }),
      serverWorkOrder('w2', 1, { title: 'same rev' }),
    );

    expect(bulkWrite).toHaveBeenCalledTimes(2);
    expect(counts).toEqual(jasmine.objectContaining({ written: 1, unchanged: 1 }));
    expect((await stored('w1'))?.title).toBe('newer');
    expect((await stored('w2'))?.title).not.toBe('same rev');
  });

  it('remembers the newest revision it passes over on a dead letter, and only a newer one', async () => {
    await pull(serverWorkOrder('w1', 1));
    await run(store.patchLocal('workOrders', 'w1', { title: 'mine' }));
    await run(
      store.applyPushResults([
        conflictResult(
          'workOrders',
          (await stored('w1'))?.syncChangeId ?? '',
          serverWorkOrder('w1', 2),
        ),
      ]),
    );

    expect(await pull(serverWorkOrder('w1', 4))).toEqual(
      jasmine.objectContaining({ skippedPending: 1 }),
    );
    expect(await pull(serverWorkOrder('w1', 3))).toEqual(
      jasmine.objectContaining({ skippedPending: 1 }),
    );

    expect(await stored('w1')).toEqual(
      jasmine.objectContaining({ title: 'mine', syncDeadLetter: true, syncSeenRev: 4 }),
    );
  });

  it('saves the checkpoint of the table for the user', async () => {
    await pull(serverWorkOrder('w1', 1));

    expect(await run(store.checkpoint('u1', 'workOrders'))).toBe('cp-next');
    expect(await run(store.checkpoint('u2', 'workOrders'))).toBeNull();
  });

  it('updates synced records and leaves same-or-older revisions alone', async () => {
    await pull(serverWorkOrder('w1', 1), serverWorkOrder('w2', 5, { title: 'five' }));

    const counts = await pull(
      serverWorkOrder('w1', 3, { title: 'three' }),
      serverWorkOrder('w2', 4, { title: 'older' }),
    );

    expect(counts).toEqual({
      written: 1,
      skippedPending: 0,
      deleted: 0,
      unchanged: 1,
      conflicts: 0,
    });
    expect((await stored('w1'))?.title).toBe('three');
    expect((await stored('w2'))?.title).toBe('five');
  });

  it('never overwrites a pending or dead-lettered record', async () => {
    await pull(serverWorkOrder('w1', 1), serverWorkOrder('w2', 1));
    await run(store.upsertLocal('workOrders', workOrder('w1', { title: 'mine' })));
    await run(store.upsertLocal('workOrders', workOrder('w2', { title: 'parked' })));
    await (
      await handle.table('workOrders').findOne('w2').exec()
    )?.incrementalPatch({
      syncPending: false,
      syncDeadLetter: true,
    });

    const counts = await pull(
      serverWorkOrder('w1', 2, { title: 'theirs' }),
      serverWorkOrder('w2', 2, { title: 'theirs' }),
      serverWorkOrder('w3', 2),
    );

    expect(counts).toEqual({
      written: 1,
      skippedPending: 2,
      deleted: 0,
      unchanged: 0,
      conflicts: 0,
    });
    expect(await stored('w1')).toEqual(jasmine.objectContaining({ title: 'mine', syncRev: 1 }));
    expect((await stored('w2'))?.title).toBe('parked');
  });

  it('deletes on a tombstone unless the record is pending, and can re-create it later', async () => {
    await pull(serverWorkOrder('w1', 1), serverWorkOrder('w2', 1));
    await run(store.upsertLocal('workOrders', workOrder('w2', { title: 'mine' })));

    const counts = await pull(tombstone('w1', 2), tombstone('w2', 2), tombstone('w9', 2));

    expect(counts).toEqual({
      written: 0,
      skippedPending: 1,
      deleted: 1,
      unchanged: 1,
      conflicts: 0,
    });
    expect(await stored('w1')).toBeUndefined();
    expect((await stored('w2'))?.title).toBe('mine');

    await pull(serverWorkOrder('w1', 3, { title: 'back' }));
    expect((await stored('w1'))?.title).toBe('back');
  });

  it('fails the page on a record the schema refuses, without saving the checkpoint', async () => {
    const tooLong = serverWorkOrder('w1', 1, { title: 'x'.repeat(201) });

    await expectAsync(pull(tooLong)).toBeRejectedWithError(/could not write record "w1"/);

    expect(await run(store.checkpoint('u1', 'workOrders'))).toBeNull();
  });
});
