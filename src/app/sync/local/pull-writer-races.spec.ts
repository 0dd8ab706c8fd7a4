import { TestBed } from '@angular/core/testing';
import { lastValueFrom, type Observable } from 'rxjs';

import { LocalDatabase, type LocalDbHandle } from './local-database';
import { PULL_WRITE_HOOKS } from './local-db.tokens';
import {
  provideTestLocalDb,
  pullWorkOrders,
  removeTestLocalDb,
  storedWorkOrder,
  serverWorkOrder,
  tombstone,
  workOrder,
} from './local-db.testing';
import type { PullWriteHooks } from './pull-writer';
import { SyncStore } from './sync-store';

const run = <T>(source: Observable<T>) => lastValueFrom(source);

/**
 * A user edit racing a pull write, placed at an exact point through the writer's seam
 * (PULL_WRITE_HOOKS.beforeWrite, awaited between a round's plan and its write): each ordering is
 * forced, never left to whichever promise happens to settle first.
 */
describe('SyncStore pull writer: races with local edits', () => {
  let store: SyncStore;
  let handle: LocalDbHandle;
  let hooks: PullWriteHooks;

  const stored = (id: string) => storedWorkOrder(handle, id);
  const pull = (...records: Parameters<SyncStore['applyPulledBatch']>[2]) =>
    pullWorkOrders(store, records);
  const editW1 = () => run(store.upsertLocal('workOrders', workOrder('w1', { title: 'mine' })));
  /** Rounds at whose hook the edit was made: proves it landed where the test says. */
  let editedAt: number[];
  const editW1InRound = (round: number) => {
    hooks.beforeWrite = async (current) => {
      if (current !== round) return;
      editedAt.push(current);
      await editW1();
    };
  };

  beforeEach(async () => {
    hooks = {};
    editedAt = [];
    TestBed.configureTestingModule({
      providers: [...provideTestLocalDb(), { provide: PULL_WRITE_HOOKS, useValue: hooks }],
    });
    store = TestBed.inject(SyncStore);
    handle = await TestBed.inject(LocalDatabase).open();
  });

  afterEach(() => removeTestLocalDb());

  // Guard: a record with local changes is skipped when the write is (re)planned.
  it('keeps a local edit made after the page arrived and before its first write', async () => {
    await pull(serverWorkOrder('w1', 1), serverWorkOrder('w2', 1));
    editW1InRound(0);

    const counts = await pull(
      serverWorkOrder('w1', 2, { title: 'theirs' }),
      serverWorkOrder('w2', 2, { title: 'theirs' }),
    );

    expect(editedAt).toEqual([0]);
    expect(counts).toEqual(jasmine.objectContaining({ written: 1, skippedPending: 1 }));
    expect(await stored('w1')).toEqual(
      jasmine.objectContaining({ title: 'mine', syncPending: true, syncRev: 1 }),
    );
    expect((await stored('w2'))?.title).toBe('theirs');
  });

  // Guard: compare-and-swap. Round 0 guessed both new and was refused with the stored versions;
  // round 1 decided from them that w1 was safe to overwrite, and the user edits it right then.
  it('keeps a user edit made between its read and its write (compare-and-swap)', async () => {
    await pull(serverWorkOrder('w1', 1), serverWorkOrder('w2', 1));
    editW1InRound(1);

    const counts = await pull(
      serverWorkOrder('w1', 2, { title: 'theirs' }),
      serverWorkOrder('w2', 2, { title: 'theirs' }),
    );

    expect(editedAt).toEqual([1]);
    expect(counts).toEqual({
      written: 1,
      skippedPending: 1,
      deleted: 0,
      unchanged: 0,
      conflicts: 0,
    });
    expect(await stored('w1')).toEqual(
      jasmine.objectContaining({ title: 'mine', syncPending: true, syncRev: 1 }),
    );
    expect((await stored('w2'))?.title).toBe('theirs');
  });

  // Guard: compare-and-swap on the path that reads first (a tombstone can't be guessed).
  it("keeps a user edit made between a tombstone's read and its delete", async () => {
    await pull(serverWorkOrder('w1', 1));
    editW1InRound(0);

    const counts = await pull(tombstone('w1', 2));

    expect(editedAt).toEqual([0]);
    expect(counts).toEqual(jasmine.objectContaining({ deleted: 0, skippedPending: 1 }));
    expect(await stored('w1')).toEqual(
      jasmine.objectContaining({ title: 'mine', syncPending: true }),
    );
  });

  it('retries a row that lost the race to a write that left it synced', async () => {
    await pull(serverWorkOrder('w1', 1));
    hooks.beforeWrite = async (round) => {
      // Another writer (say the other tab's pull) changes the doc but leaves it synced, after
      // round 1 planned its update from the version round 0's refused guess returned.
      if (round !== 1) return;
      const doc = await handle.table('workOrders').findOne('w1').exec();
      await doc?.incrementalPatch({ notes: 'other tab' });
    };

    const counts = await pull(serverWorkOrder('w1', 3, { title: 'pulled' }));

    expect(counts.written).toBe(1);
    expect((await stored('w1'))?.title).toBe('pulled');
  });
});
