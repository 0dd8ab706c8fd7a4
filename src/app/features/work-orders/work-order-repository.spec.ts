import { TestBed } from '@angular/core/testing';
import { ReplaySubject, filter, firstValueFrom, map } from 'rxjs';
import type { ServerRecord } from '../../../../contract/protocol';
import { LocalWriteBlockedError, SyncStore } from '../../sync';
import {
  conflictResult,
  provideTestLocalDb,
  removeTestLocalDb,
  serverLine,
  serverWorkOrder,
  TEST_EPOCH,
} from '../../sync/testing';
import { InvalidWorkOrderError, WorkOrderRepository } from './work-order-repository';
import type { WorkOrderDraft } from './work-orders.actions';
import { workOrder, workOrderLine } from '../../../testing/records';
import { draft } from './work-orders.testing';

/** A save of the stored wo-1 that changes nothing, unless told otherwise. */
function edit(overrides: Partial<WorkOrderDraft> = {}): WorkOrderDraft {
  return draft({ orderChanges: {}, newLines: [], ...overrides });
}

describe('WorkOrderRepository (RxDB)', () => {
  let repository: WorkOrderRepository;
  let store: SyncStore;

  beforeEach(() => {
    TestBed.configureTestingModule({ providers: [provideTestLocalDb()] });
    repository = TestBed.inject(WorkOrderRepository);
    store = TestBed.inject(SyncStore);
  });

  afterEach(() => removeTestLocalDb());

  /** What the store still has to sync of a table, local deletions included. */
  const unsynced = <T extends 'workOrders' | 'workOrderLines'>(table: T) =>
    firstValueFrom(store.watchUnsynced(table));

  it('saves the order and its lines as pending changes, order first', async () => {
    const written: string[] = [];
    const subscription = store.localWrites$.subscribe((write) => written.push(write.id));
    await firstValueFrom(
      repository.save(
        draft({
          newLines: [workOrderLine('l1', 'wo-1'), workOrderLine('l2', 'wo-1', { note: 'x' })],
        }),
      ),
    );
    subscription.unsubscribe();

    expect(written).toEqual(['wo-1', 'l1', 'l2']);
    const [stored] = await unsynced('workOrders');
    expect(stored.record).toEqual(jasmine.objectContaining({ id: 'wo-1', title: 'Fix the pump' }));
    expect([stored.deleted, stored.deadLetter]).toEqual([false, false]);
    const lines = await unsynced('workOrderLines');
    expect(lines.map((l) => [l.record.id, l.record.workOrderId, l.deadLetter])).toEqual([
      ['l1', 'wo-1', false],
      ['l2', 'wo-1', false],
    ]);
    expect(await firstValueFrom(repository.watch('wo-1'))).toEqual({
      order: workOrder('wo-1', { title: 'Fix the pump' }),
      lines: [workOrderLine('l1', 'wo-1'), workOrderLine('l2', 'wo-1', { note: 'x' })],
    });
  });

  it('deletes the lines removed in the form, and shows the order as pending', async () => {
    await firstValueFrom(
      repository.save(
        draft({ newLines: [workOrderLine('l1', 'wo-1'), workOrderLine('l2', 'wo-1')] }),
      ),
    );
    await firstValueFrom(repository.save(edit({ newLines: [], removedLineIds: ['l2', 'gone'] })));
    expect(await firstValueFrom(store.watchTable('workOrderLines'))).toEqual([
      workOrderLine('l1', 'wo-1'),
    ]);
    // Kept as a pending deletion until the server acknowledges it (rule 3).
    const removed = (await unsynced('workOrderLines')).find((l) => l.record.id === 'l2');
    expect([removed?.deleted, removed?.deadLetter]).toEqual([true, false]);
    const markers = await firstValueFrom(repository.watchMarkers());
    expect(markers.get('wo-1')).toEqual({ marker: 'pending', error: '' });
  });

  it('writes only the changed fields: a change made meanwhile in another tab survives', async () => {
    await firstValueFrom(
      repository.save(
        draft({ newLines: [workOrderLine('l1', 'wo-1'), workOrderLine('l2', 'wo-1')] }),
      ),
    );
    // Another tab changes the status and a line's note after this form opened.
    await firstValueFrom(
      store.upsertLocal('workOrders', workOrder('wo-1', { title: 'Fix the pump', status: 'done' })),
    );
    await firstValueFrom(
      store.upsertLocal('workOrderLines', workOrderLine('l1', 'wo-1', { note: 'A' })),
    );

    const saved = await firstValueFrom(
      repository.save(
        edit({
          order: workOrder('wo-1', { title: 'Fix the pump now' }),
          orderChanges: { title: 'Fix the pump now' },
          changedLines: [
            { line: workOrderLine('l1', 'wo-1', { quantity: 4 }), changes: { quantity: 4 } },
          ],
        }),
      ),
    );

    expect(saved).toBeTrue();
    expect(await firstValueFrom(repository.watch('wo-1'))).toEqual({
      order: workOrder('wo-1', { title: 'Fix the pump now', status: 'done' }),
      lines: [workOrderLine('l1', 'wo-1', { quantity: 4, note: 'A' }), workOrderLine('l2', 'wo-1')],
    });
  });

  it('writes nothing for a save with nothing changed', async () => {
    await firstValueFrom(repository.save(draft()));
    const written: string[] = [];
    const subscription = store.localWrites$.subscribe((write) => written.push(write.id));
    const saved = await firstValueFrom(repository.save(edit()));
    subscription.unsubscribe();
    expect(saved).toBeFalse();
    expect(written).toEqual([]);
  });

  it('watches the work order: each stored change, then null once it is deleted', async () => {
    await firstValueFrom(repository.save(draft()));
    const seen = new ReplaySubject<string | null>(10);
    const subscription = repository
      .watch('wo-1')
      .pipe(map((found) => (found ? `${found.order.title}/${found.lines.length}` : null)))
      .subscribe(seen);
    const sees = (value: string | null) => firstValueFrom(seen.pipe(filter((v) => v === value)));
    await sees('Fix the pump/1');
    await firstValueFrom(store.upsertLocal('workOrderLines', workOrderLine('l2', 'wo-1')));
    await sees('Fix the pump/2');
    await firstValueFrom(repository.delete('wo-1'));
    await sees(null);
    subscription.unsubscribe();
  });

  it('deletes a work order with its lines, each a pending deletion until the server has it', async () => {
    const synced: ServerRecord = serverWorkOrder('wo-9', 3);
    const syncedLine: ServerRecord = {
      id: 'l9',
      rev: 4,
      deleted: false,
      data: { workOrderId: 'wo-9', productId: 'p1', quantity: 1 },
      updatedAt: TEST_EPOCH,
    };
    await firstValueFrom(store.applyPulledBatch('u1', 'workOrders', [synced], 'c1'));
    await firstValueFrom(store.applyPulledBatch('u1', 'workOrderLines', [syncedLine], 'c2'));
    await firstValueFrom(repository.save(draft()));

    await firstValueFrom(repository.delete('wo-9'));
    await firstValueFrom(repository.delete('wo-1'));

    expect(await firstValueFrom(store.watchTable('workOrders'))).toEqual([]);
    expect(await firstValueFrom(store.watchTable('workOrderLines'))).toEqual([]);
    // Pushed before or not (its create may have landed with the answer lost): each is kept as
    // a pending deletion, removed for real once the server applies it (rule 3).
    const left = [...(await unsynced('workOrders')), ...(await unsynced('workOrderLines'))];
    expect(left.map((u) => [u.record.id, u.deleted, u.deadLetter]).sort()).toEqual([
      ['l1', true, false],
      ['l9', true, false],
      ['wo-1', true, false],
      ['wo-9', true, false],
    ]);
  });

  it('marks dead letters over pending changes', async () => {
    await firstValueFrom(repository.save(draft()));
    // The server answers the line's push with a conflict: it is parked as a dead letter.
    const changes = await firstValueFrom(store.pendingChanges(10));
    const lineChange = changes.find((change) => change.id === 'l1')!;
    await firstValueFrom(
      store.applyPushResults([
        conflictResult('workOrderLines', lineChange.changeId, serverLine('l1', 2, 'wo-1')),
      ]),
    );
    const markers = await firstValueFrom(repository.watchMarkers());
    expect(markers.get('wo-1')).toEqual({ marker: 'deadLetter', error: 'conflict' });
  });

  it('refuses what the registry would refuse, and writes nothing', async () => {
    const invalid = draft({ order: workOrder('wo-1', { title: ' ' }) });
    await expectAsync(firstValueFrom(repository.save(invalid))).toBeRejectedWithError(
      InvalidWorkOrderError,
    );
    expect(await unsynced('workOrders')).toEqual([]);
  });

  it('passes on a write refused during the initial sync, writing nothing', async () => {
    store.blockWrites();
    await expectAsync(firstValueFrom(repository.save(draft()))).toBeRejectedWithError(
      LocalWriteBlockedError,
    );
    expect(await unsynced('workOrders')).toEqual([]);
  });
});
