import { TestBed } from '@angular/core/testing';
import { firstValueFrom, lastValueFrom, take, toArray, type Observable } from 'rxjs';

import type { PushResult, ServerRecord } from '../../../../contract/protocol';
import { DeadLetterNotFoundError } from './dead-letters';
import { LocalDatabase } from './local-database';
import {
  provideTestLocalDb,
  removeTestLocalDb,
  serverWorkOrder,
  TEST_EPOCH,
  workOrder,
} from './local-db.testing';
import { LocalWriteBlockedError } from './local-write.errors';
import { SyncStore } from './sync-store';

const run = <T>(source: Observable<T>) => lastValueFrom(source);
const USER = 'u1';

describe('SyncStore dead letters', () => {
  let store: SyncStore;

  const stored = async (id: string) => {
    const handle = await TestBed.inject(LocalDatabase).open();
    return (await handle.table('workOrders').findOne(id).exec())?.toJSON();
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

  /** A local edit of a synced record that the server answers with a conflict. */
  const conflicted = async (id: string, server: ServerRecord) => {
    await synced(id, 3);
    await run(store.upsertLocal('workOrders', workOrder(id, { title: 'Mine' })));
    await pushResult(id, (changeId) => ({
      table: 'workOrders',
      id,
      changeId,
      status: 'conflict',
      server,
    }));
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

  const localWrites = () => firstValueFrom(store.localWrites$.pipe(take(1), toArray()));

  beforeEach(() => {
    TestBed.configureTestingModule({ providers: provideTestLocalDb() });
    store = TestBed.inject(SyncStore);
  });

  afterEach(() => removeTestLocalDb());

  it('lists conflicts and rejections with both versions and the reason, live', async () => {
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
        error: 'conflict',
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
        attempts: 3,
        baseRev: null,
        server: null,
      }),
    ]);
  });

  it('keep mine: re-pushes the local version based on the server revision', async () => {
    await conflicted('w1', serverWorkOrder('w1', 7, { title: 'Theirs' }));
    const writes = localWrites();

    const done = await run(store.keepLocalVersion('workOrders', 'w1'));

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
        syncPending: true,
        syncRev: 7,
        syncChangeId: 'change-2',
        syncAttempts: 0,
        syncError: '',
        syncDeadLetter: false,
        syncConflict: null,
      }),
    );
    expect(await writes).toEqual([
      { table: 'workOrders', id: 'w1', changeId: 'change-2', deleted: false },
    ]);
    const [change] = await run(store.pendingChanges(10));
    expect(change).toEqual(
      jasmine.objectContaining({ id: 'w1', baseRev: 7, changeId: 'change-2' }),
    );
  });

  it("use server's: stores the server version as synced, dropping fields it lacks", async () => {
    await conflicted('w1', serverWorkOrder('w1', 7, { title: 'Theirs' }));
    await run(store.upsertLocal('workOrders', workOrder('w1', { title: 'Mine', notes: 'n' })));

    const done = await run(store.useServerVersion('workOrders', 'w1'));

    expect(done.result).toBe('synced');
    expect(await stored('w1')).toEqual(
      jasmine.objectContaining({ title: 'Theirs', syncPending: false, syncRev: 7 }),
    );
    expect((await stored('w1'))?.notes).toBeUndefined();
    expect(await run(store.pendingChanges(10))).toEqual([]);
  });

  it("use server's: a server tombstone removes the record", async () => {
    await conflicted('w1', { id: 'w1', rev: 8, deleted: true, data: null, updatedAt: TEST_EPOCH });

    const done = await run(store.useServerVersion('workOrders', 'w1'));

    expect(done).toEqual(jasmine.objectContaining({ result: 'removed', deleted: true }));
    expect(await stored('w1')).toBeUndefined();
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

    await expectAsync(run(store.keepLocalVersion('workOrders', 'w1'))).toBeRejectedWithError(
      DeadLetterNotFoundError,
    );
    await run(store.retryDeadLetter('workOrders', 'w1'));
    await expectAsync(run(store.retryDeadLetter('workOrders', 'w1'))).toBeRejectedWithError(
      DeadLetterNotFoundError,
    );
    await expectAsync(run(store.discardLocalChange('workOrders', 'nope'))).toBeRejectedWithError(
      DeadLetterNotFoundError,
    );
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

  it('discard: a record the server never had is removed', async () => {
    await run(store.upsertLocal('workOrders', workOrder('w1')));
    await rejectedThrice('w1');

    const done = await run(store.discardLocalChange('workOrders', 'w1'));

    expect(done.result).toBe('removed');
    expect(await stored('w1')).toBeUndefined();
  });

  it('discard: a conflict takes the server version it carries', async () => {
    await conflicted('w1', serverWorkOrder('w1', 7, { title: 'Theirs' }));

    const done = await run(store.discardLocalChange('workOrders', 'w1'));

    expect(done.result).toBe('synced');
    expect(await stored('w1')).toEqual(
      jasmine.objectContaining({ title: 'Theirs', syncRev: 7, syncPending: false }),
    );
  });

  it('discard: a rejected edit of a server record is removed and restored by the next pull', async () => {
    await synced('w1', 3, { title: 'Server' });
    await run(store.upsertLocal('workOrders', workOrder('w1', { title: '' })));
    await rejectedThrice('w1');
    const writes = localWrites();

    const done = await run(store.discardLocalChange('workOrders', 'w1'));

    expect(done.result).toBe('refetch');
    expect(await stored('w1')).toBeUndefined();
    // Only the pull position is reset: the table stays initially synced (the gate stays shut).
    expect(await run(store.checkpoint(USER, 'workOrders'))).toBeNull();
    expect(await run(store.completedInitialTables(USER))).toEqual(['workOrders']);
    expect((await writes)[0]).toEqual(jasmine.objectContaining({ id: 'w1', changeId: '' }));

    // The re-pull from the start brings the server version back.
    const counts = await run(
      store.applyPulledBatch(
        USER,
        'workOrders',
        [serverWorkOrder('w1', 3, { title: 'Server' })],
        'cp-9',
      ),
    );
    expect(counts.written).toBe(1);
    expect(await stored('w1')).toEqual(jasmine.objectContaining({ title: 'Server', syncRev: 3 }));
  });
});
