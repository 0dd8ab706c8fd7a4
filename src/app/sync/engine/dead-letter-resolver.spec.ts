import { TestBed } from '@angular/core/testing';
import { defer, firstValueFrom, lastValueFrom, type Observable } from 'rxjs';

import type { RecordsRequest, ServerRecord } from '../../../../contract/protocol';

import { SyncError } from '../core';
import { LocalDatabase, SyncStore } from '../local';
import { conflictResult, provideTestLocalDb, removeTestLocalDb } from '../local/local-db.testing';
import { FakeSyncApi } from '../testing/fake-sync-api';
import { SYNC_API } from '../transport/sync-transport';
import { DeadLetterResolver, ResolutionUnavailableError } from './dead-letter-resolver';

const run = <T>(source: Observable<T>) => lastValueFrom(source);
const USER = 'u1';
const order = (title: string, status = 'open') => ({ title, customerId: 'c1', status });

/** Rule 6: resolutions act on the server's version at the moment the user decides. */
describe('DeadLetterResolver', () => {
  let server: FakeSyncApi;
  let store: SyncStore;
  let resolver: DeadLetterResolver;

  const stored = async (id: string) => {
    const handle = await TestBed.inject(LocalDatabase).open();
    return (await handle.table('workOrders').findOne(id).exec())?.toJSON();
  };

  /** w1 synced at the server's rev, edited locally, and conflicted with a copy of rev `copy`. */
  async function conflicted() {
    const synced = server.put('workOrders', 'w1', order('Base'));
    await run(store.ensureOwner(USER));
    await run(store.saveEpoch(USER, server.epoch));
    await run(store.applyPulledBatch(USER, 'workOrders', [synced], `r:${synced.rev}`));
    await run(store.patchLocal('workOrders', 'w1', { title: 'Mine' }));
    const atPush = server.put('workOrders', 'w1', order('Theirs at push'));
    await run(
      store.applyPushResults([conflictResult('workOrders', 'change-1', atPush, ['title'])]),
    );
    // Later, before the user decides, the server moves on (the dead letter is not pulled).
    return server.put('workOrders', 'w1', order('Theirs now', 'done'));
  }

  beforeEach(() => {
    server = new FakeSyncApi();
    TestBed.configureTestingModule({
      providers: [...provideTestLocalDb(), { provide: SYNC_API, useValue: server }],
    });
    store = TestBed.inject(SyncStore);
    resolver = TestBed.inject(DeadLetterResolver);
  });
  afterEach(() => removeTestLocalDb());

  it("use server's: fetches the current version and installs it, not the stored copy", async () => {
    const now = await conflicted();

    const done = await run(resolver.resolve('useServer', 'workOrders', 'w1'));

    expect(done.result).toBe('synced');
    expect(server.requests.at(-1)).toEqual({
      call: 'records',
      body: { table: 'workOrders', ids: ['w1'] },
    });
    expect(await stored('w1')).toEqual(
      jasmine.objectContaining({ title: 'Theirs now', status: 'done', syncRev: now.rev }),
    );
  });

  /** Each fetch answers, then (the first `races` times) a pull passes over a newer version. */
  function racingPulls(races: number): { fetches: () => number; newest: () => ServerRecord } {
    const answer = server.records.bind(server);
    let fetches = 0;
    let newest: ServerRecord | null = null;
    spyOn(server, 'records').and.callFake((request: RecordsRequest) =>
      defer(async () => {
        const fetched = await firstValueFrom(answer(request));
        if (fetches++ < races) {
          // The user's fetch is on its way back while another device edits and this one pulls.
          newest = server.put('workOrders', 'w1', order(`Newer ${fetches}`, 'done'));
          await run(store.applyPulledBatch(USER, 'workOrders', [newest], `r:${newest.rev}`));
        }
        return fetched;
      }),
    );
    return { fetches: () => fetches, newest: () => newest as unknown as ServerRecord };
  }

  it("use server's: a fetch older than what a pull passed over meanwhile is fetched again", async () => {
    await conflicted();
    const race = racingPulls(1);

    const done = await run(resolver.resolve('useServer', 'workOrders', 'w1'));

    expect(done.result).toBe('synced');
    expect(race.fetches()).toBe(2);
    expect(await stored('w1')).toEqual(
      jasmine.objectContaining({ title: 'Newer 1', syncRev: race.newest().rev, syncSeenRev: 0 }),
    );
  });

  it('discard: gives up with a clear message when every fetch is overtaken by a pull', async () => {
    await conflicted();
    racingPulls(10);

    await expectAsync(run(resolver.resolve('discard', 'workOrders', 'w1'))).toBeRejectedWith(
      jasmine.objectContaining({
        name: 'ResolutionUnavailableError',
        message: jasmine.stringMatching(/Nothing was changed/),
      }),
    );
    expect(await stored('w1')).toEqual(
      jasmine.objectContaining({ title: 'Mine', syncDeadLetter: true }),
    );
  });

  it('keep mine: re-bases on the current version, and the next push applies', async () => {
    const now = await conflicted();

    await run(resolver.resolve('keepMine', 'workOrders', 'w1'));
    const [change] = await run(store.pendingChanges(10));
    const result = await firstValueFrom(server.push({ changes: [change] }));

    expect(change).toEqual(jasmine.objectContaining({ baseRev: now.rev }));
    expect(result.results[0].status).toBe('applied');
    expect(server.get('workOrders', 'w1')?.data).toEqual(order('Mine', 'done'));
  });

  it('discard: a record the server deleted meanwhile stays deleted', async () => {
    await conflicted();
    server.remove('workOrders', 'w1');

    const done = await run(resolver.resolve('discard', 'workOrders', 'w1'));

    expect(done.result).toBe('removed');
    expect(await stored('w1')).toBeUndefined();
  });

  it('offline: errors with a clear message and changes nothing', async () => {
    await conflicted();
    const before = await stored('w1');
    server.failNext('records', SyncError.offline());

    await expectAsync(run(resolver.resolve('keepMine', 'workOrders', 'w1'))).toBeRejectedWithError(
      ResolutionUnavailableError,
      /Nothing was changed.*cannot be reached/,
    );
    expect(await stored('w1')).toEqual(before);
  });

  it('refuses a version of another epoch than the local data: sync first', async () => {
    await conflicted();
    server.epoch = 'epoch-2';
    const before = await stored('w1');

    await expectAsync(run(resolver.resolve('useServer', 'workOrders', 'w1'))).toBeRejectedWithError(
      ResolutionUnavailableError,
      /sync first/,
    );
    expect(await stored('w1')).toEqual(before);
  });

  it('retry needs no server version', async () => {
    await run(store.upsertLocal('workOrders', { id: 'w2', ...order('') } as never));
    for (let i = 0; i < 3; i++) {
      await run(
        store.applyPushResults([
          { table: 'workOrders', id: 'w2', changeId: 'change-1', status: 'rejected', reason: 'x' },
        ]),
      );
    }

    const done = await run(resolver.resolve('retry', 'workOrders', 'w2'));

    expect(done.result).toBe('pending');
    expect(server.requests).toEqual([]);
  });

  it('keeps the stored copy for display only', async () => {
    await conflicted();
    const [letter] = await firstValueFrom(store.watchDeadLetters());
    expect(letter.server).toEqual(
      jasmine.objectContaining({ rev: 2, data: order('Theirs at push') }),
    );
  });
});
