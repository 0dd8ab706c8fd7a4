import { TestBed } from '@angular/core/testing';
import { firstValueFrom, lastValueFrom, take, toArray, type Observable } from 'rxjs';

import type { PushResult, ServerRecord } from '../../../../contract/protocol';
import { DeadLetterNotFoundError } from './dead-letters';
import { LocalDatabase } from './local-database';
import {
  conflictResult,
  provideTestLocalDb,
  removeTestLocalDb,
  serverLine,
  serverWorkOrder,
  tombstone,
  workOrder,
  workOrderLine,
} from './local-db.testing';
import { LocalWriteBlockedError } from './local-write.errors';
import type { SyncMeta } from './local-schemas';
import { SyncStore } from './sync-store';

const run = <T>(source: Observable<T>) => lastValueFrom(source);
const USER = 'u1';

describe('SyncStore dead letters', () => {
  let store: SyncStore;

  const stored = async (id: string, table: 'workOrders' | 'workOrderLines' = 'workOrders') => {
    const handle = await TestBed.inject(LocalDatabase).open();
    const doc = await handle.anyTable(table).findOne(id).exec();
    return doc?.toJSON() as (SyncMeta & { notes?: string; title?: string }) | undefined;
  };

  /** A record the server has at `rev`, as a pull would leave it. */
  const synced = async (id: string, rev: number, overrides = {}) => {
    await run(store.ensureOwner(USER));
    await run(
      store.applyPulledBatch(USER, 'workOrders', [serverWorkOrder(id, rev, overrides)], 'cp-9'),
    );
    await run(store.markInitialComplete(USER, 'workOrders'));
  };

  const pushResult = async (id: string, result: (changeId: string) => PushResult) => {
    const changeId = (await stored(id))?.syncChangeId ?? '';
    await run(store.applyPushResults([result(changeId)]));
  };

  /** A local title edit of a record synced at rev 3, answered with a conflict by `server`. */
  const conflicted = async (id: string, server: ServerRecord, fields = ['title']) => {
    await synced(id, 3);
    await run(store.patchLocal('workOrders', id, { title: 'Mine' }));
    await pushResult(id, (changeId) =>
      conflictResult('workOrders', changeId, server, fields, 'both changed title'),
    );
  };

  /** A change rejected until it used up its 3 attempts. */
  const rejectedThrice = async (id: string) => {
    for (let i = 0; i < 3; i++) {
      await pushResult(id, (changeId) => ({
        table: 'workOrders',
        id,
        changeId,
        status: 'rejected',
        reason: 'bad title',
      }));
    }
  };

  const localWrites = (count = 1) =>
    firstValueFrom(store.localWrites$.pipe(take(count), toArray()));

  beforeEach(() => {
    TestBed.configureTestingModule({ providers: provideTestLocalDb() });
    store = TestBed.inject(SyncStore);
  });

  afterEach(() => removeTestLocalDb());

  it('lists conflicts and rejections with both versions, the reason and the fields, live', async () => {
    const server = serverWorkOrder('w1', 7, { title: 'Theirs' });
    await conflicted('w1', server);
    await run(store.upsertLocal('workOrders', workOrder('w2')));
    await rejectedThrice('w2');

    const letters = await firstValueFrom(store.watchDeadLetters());

    expect(letters).toEqual([
      {
        table: 'workOrders',
        id: 'w1',
        reason: 'conflict',
        error: 'both changed title',
        fields: ['title'],
        attempts: 0,
        local: { ...workOrder('w1', { title: 'Mine' }) } as Record<string, unknown> as never,
        localDeleted: false,
        baseRev: 3,
        changedAt: jasmine.any(Number),
        server,
      },
      jasmine.objectContaining({
        id: 'w2',
        reason: 'rejected',
        error: 'bad title',
        fields: [],
        attempts: 3,
        baseRev: null,
        server: null,
      }),
    ]);
  });

  describe('keep mine (rule 6: on the server version fetched when the user acts)', () => {
    it('re-bases the local version on the current version: the user edits win, the rest is theirs', async () => {
      await conflicted('w1', serverWorkOrder('w1', 7, { title: 'Theirs' }));
      const writes = localWrites();
      // Since the conflict the server moved on again: the stored copy (rev 7) is stale.
      const current = serverWorkOrder('w1', 9, { title: 'Theirs again', status: 'done' });

      const done = await run(store.keepLocalVersion('workOrders', 'w1', current));

      expect(done).toEqual({
        table: 'workOrders',
        id: 'w1',
        result: 'pending',
        changeId: 'change-2',
        deleted: false,
      });
      expect(await stored('w1')).toEqual(
        jasmine.objectContaining({
          title: 'Mine',
          status: 'done',
          syncPending: true,
          syncRev: 9,
          syncBase: { title: 'Theirs again', customerId: 'c1', status: 'done' },
          syncChangeId: 'change-2',
          syncAttempts: 0,
          syncError: '',
          syncDeadLetter: false,
          syncConflict: null,
          syncConflictFields: [],
          syncPrior: [],
        }),
      );
      expect(await writes).toEqual([
        { table: 'workOrders', id: 'w1', changeId: 'change-2', deleted: false },
      ]);
      const [change] = await run(store.pendingChanges(10));
      expect(change).toEqual(
        jasmine.objectContaining({ id: 'w1', baseRev: 9, changeId: 'change-2' }),
      );
    });

    it('brings back a record the server deleted meanwhile: a write based on the tombstone', async () => {
      await conflicted('w1', serverWorkOrder('w1', 7, { title: 'Theirs' }));

      const done = await run(store.keepLocalVersion('workOrders', 'w1', tombstone('w1', 8)));

      expect(done.result).toBe('pending');
      expect(await stored('w1')).toEqual(
        jasmine.objectContaining({ title: 'Mine', syncRev: 8, syncBase: null }),
      );
    });

    it('removes a local deletion the server has deleted too', async () => {
      await synced('w1', 3);
      await run(store.deleteLocal('workOrders', 'w1'));
      await pushResult('w1', (changeId) =>
        conflictResult('workOrders', changeId, serverWorkOrder('w1', 5)),
      );

      const done = await run(store.keepLocalVersion('workOrders', 'w1', tombstone('w1', 6)));

      expect(done).toEqual(jasmine.objectContaining({ result: 'removed', deleted: true }));
      expect(await stored('w1')).toBeUndefined();
    });

    // Rule 4: the order's delete conflicted because the server has live lines under it.
    it('deletes the live local lines of a work order whose delete is sent again', async () => {
      await synced('w1', 3);
      await run(store.applyPulledBatch(USER, 'workOrderLines', [serverLine('l1', 4, 'w1')], 'c'));
      await run(store.deleteLocal('workOrders', 'w1'));
      await pushResult('w1', (changeId) =>
        conflictResult('workOrders', changeId, serverWorkOrder('w1', 3), [], '1 live line'),
      );
      // Another device's line arrived with a pull after the conflict; another order's stays.
      await run(store.applyPulledBatch(USER, 'workOrderLines', [serverLine('l2', 6, 'w1')], 'c'));
      await run(store.upsertLocal('workOrderLines', workOrderLine('l3', 'w-other')));
      const writes = localWrites(3);

      const done = await run(store.keepLocalVersion('workOrders', 'w1', serverWorkOrder('w1', 3)));

      expect(done).toEqual(jasmine.objectContaining({ result: 'pending', deleted: true }));
      expect((await writes).map((w) => `${w.table}/${w.id}/${w.deleted}`).sort()).toEqual([
        'workOrderLines/l1/true',
        'workOrderLines/l2/true',
        'workOrders/w1/true',
      ]);
      expect((await stored('l3', 'workOrderLines'))?.localDeleted).toBeFalse();
      // Lines first, then the order: one batch the server can apply.
      expect(
        (await run(store.pendingChanges(10))).map((c) => `${c.table}/${c.id}/${c.deleted}`),
      ).toEqual([
        'workOrderLines/l3/false',
        'workOrderLines/l1/true',
        'workOrderLines/l2/true',
        'workOrders/w1/true',
      ]);
    });
  });

  describe("use server's", () => {
    it('stores the current version as synced, dropping fields it lacks', async () => {
      await conflicted('w1', serverWorkOrder('w1', 7, { title: 'Theirs' }));
      await run(store.patchLocal('workOrders', 'w1', { notes: 'n' }));

      const done = await run(
        store.useServerVersion('workOrders', 'w1', serverWorkOrder('w1', 9, { title: 'Now' })),
      );

      expect(done.result).toBe('synced');
      expect(await stored('w1')).toEqual(
        jasmine.objectContaining({ title: 'Now', syncPending: false, syncRev: 9 }),
      );
      expect((await stored('w1'))?.notes).toBeUndefined();
      expect(await run(store.pendingChanges(10))).toEqual([]);
    });

    it('removes a record the server deleted meanwhile, whatever the stored copy says', async () => {
      await conflicted('w1', serverWorkOrder('w1', 7, { title: 'Theirs' }));

      const done = await run(store.useServerVersion('workOrders', 'w1', tombstone('w1', 8)));

      expect(done).toEqual(jasmine.objectContaining({ result: 'removed', deleted: true }));
      expect(await stored('w1')).toBeUndefined();
    });
  });

  it('retry: a rejected record is pending again with a new change id and 0 attempts', async () => {
    await run(store.upsertLocal('workOrders', workOrder('w1')));
    await rejectedThrice('w1');
    const writes = localWrites();

    const done = await run(store.retryDeadLetter('workOrders', 'w1'));

    expect(done).toEqual(jasmine.objectContaining({ result: 'pending', changeId: 'change-2' }));
    expect(await stored('w1')).toEqual(
      jasmine.objectContaining({
        syncPending: true,
        syncDeadLetter: false,
        syncAttempts: 0,
        syncError: '',
        syncRev: -1,
        syncChangeId: 'change-2',
      }),
    );
    expect((await writes)[0]).toEqual(jasmine.objectContaining({ id: 'w1', changeId: 'change-2' }));
    expect((await run(store.pendingChanges(10))).map((change) => change.id)).toEqual(['w1']);
  });

  it('refuses the wrong action for the kind, and a second resolution', async () => {
    await run(store.upsertLocal('workOrders', workOrder('w1')));
    await rejectedThrice('w1');

    await expectAsync(run(store.keepLocalVersion('workOrders', 'w1', null))).toBeRejectedWithError(
      DeadLetterNotFoundError,
    );
    await run(store.retryDeadLetter('workOrders', 'w1'));
    await expectAsync(run(store.retryDeadLetter('workOrders', 'w1'))).toBeRejectedWithError(
      DeadLetterNotFoundError,
    );
    await expectAsync(
      run(store.discardLocalChange('workOrders', 'nope', null)),
    ).toBeRejectedWithError(DeadLetterNotFoundError);
  });

  it('is refused while the initial-sync gate holds writes back', async () => {
    await run(store.upsertLocal('workOrders', workOrder('w1')));
    await rejectedThrice('w1');
    store.blockWrites();

    await expectAsync(run(store.retryDeadLetter('workOrders', 'w1'))).toBeRejectedWithError(
      LocalWriteBlockedError,
    );
    expect((await stored('w1'))?.syncDeadLetter).toBeTrue();
  });

  describe('discard', () => {
    it('removes a record the server never had', async () => {
      await run(store.upsertLocal('workOrders', workOrder('w1')));
      await rejectedThrice('w1');

      const done = await run(store.discardLocalChange('workOrders', 'w1', null));

      expect(done.result).toBe('removed');
      expect(await stored('w1')).toBeUndefined();
    });

    it('takes the current version, not the one stored with the conflict', async () => {
      await conflicted('w1', serverWorkOrder('w1', 7, { title: 'Theirs' }));

      const done = await run(
        store.discardLocalChange('workOrders', 'w1', serverWorkOrder('w1', 9, { title: 'Now' })),
      );

      expect(done.result).toBe('synced');
      expect(await stored('w1')).toEqual(
        jasmine.objectContaining({ title: 'Now', syncRev: 9, syncPending: false }),
      );
    });

    it('restores the current version of a rejected edit at once, touching no checkpoint', async () => {
      await synced('w1', 3, { title: 'Server' });
      await run(store.upsertLocal('workOrders', workOrder('w1', { title: '' })));
      await rejectedThrice('w1');
      const before = await run(store.pullPosition(USER, 'workOrders'));

      const done = await run(
        store.discardLocalChange('workOrders', 'w1', serverWorkOrder('w1', 5, { title: 'Server' })),
      );

      expect(done.result).toBe('synced');
      expect(await stored('w1')).toEqual(
        jasmine.objectContaining({ title: 'Server', syncRev: 5, syncPending: false }),
      );
      expect(await run(store.pullPosition(USER, 'workOrders'))).toEqual(before);
      expect(await run(store.completedInitialTables(USER))).toEqual(['workOrders']);
    });

    it('keeps a record deleted that the server deleted meanwhile', async () => {
      await synced('w1', 3);
      await run(store.upsertLocal('workOrders', workOrder('w1', { title: '' })));
      await rejectedThrice('w1');

      const done = await run(store.discardLocalChange('workOrders', 'w1', tombstone('w1', 4)));

      expect(done.result).toBe('removed');
      expect(await stored('w1')).toBeUndefined();
    });
  });
});
