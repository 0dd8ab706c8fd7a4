import { provideHttpClient } from '@angular/common/http';
import { provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { filter, firstValueFrom, lastValueFrom } from 'rxjs';
import { SYNC_TABLES, type TableName, type TableSpec } from '../../../../contract/tables';
import { SyncError } from '../core';
import { LocalDatabase, SyncLog, SyncStore } from '../local';
import { provideTestLocalDb, removeTestLocalDb, workOrder } from '../local/local-db.testing';
import { anotherTabHoldsTheSyncLock } from '../lock/web-lock.testing';
import { SYNC_BROWSER } from '../sync.tokens';
import { FakeSyncBrowser } from '../testing/fake-browser';
import { SyncEngine } from './sync-engine';

/** A table a later app version adds: the registry is the only place that names it. */
const INVOICES: TableSpec = {
  name: 'invoices' as TableName,
  label: 'Invoices',
  kind: 'master',
  schemaVersion: 0,
  fields: { total: { type: 'number', required: true, minimum: 0 } },
};

function setUp(registry: readonly TableSpec[] = SYNC_TABLES, browser = new FakeSyncBrowser()) {
  TestBed.configureTestingModule({
    providers: [
      provideTestLocalDb({ registry }),
      provideHttpClient(),
      provideHttpClientTesting(),
      // By default no Web Locks and a private run note: each spec's engine is on its own.
      { provide: SYNC_BROWSER, useValue: browser },
    ],
  });
  return { engine: TestBed.inject(SyncEngine), store: TestBed.inject(SyncStore) };
}

describe('SyncEngine on real RxDB: the initial-sync gate decision', () => {
  afterEach(async () => {
    // Stopping logs; the log must be written before its database is removed.
    TestBed.inject(SyncEngine).stop();
    await TestBed.inject(SyncLog).flush();
    await removeTestLocalDb();
  });

  it('gates every table on a first login', async () => {
    const { engine } = setUp();
    expect(await firstValueFrom(engine.start('u-alice'))).toEqual([
      'customers',
      'products',
      'workOrders',
      'workOrderLines',
    ]);
  });

  it('gates nothing once every table is synced, and only the new table after an update adds one', async () => {
    const { engine, store } = setUp([...SYNC_TABLES, INVOICES]);
    await firstValueFrom(engine.start('u-alice'));
    for (const spec of SYNC_TABLES)
      await lastValueFrom(store.markInitialComplete('u-alice', spec.name));

    // The app before the update would have had nothing to do; this version adds "invoices".
    expect(await firstValueFrom(engine.start('u-alice'))).toEqual(['invoices' as TableName]);
    await lastValueFrom(store.markInitialComplete('u-alice', INVOICES.name));
    expect(await firstValueFrom(engine.start('u-alice'))).toEqual([]);
  });

  it('keeps the same user’s partial data, and wipes it before another user sees anything', async () => {
    const { engine, store } = setUp();
    await firstValueFrom(engine.start('u-alice'));
    await lastValueFrom(store.markInitialComplete('u-alice', 'customers'));
    await lastValueFrom(store.upsertLocal('workOrders', workOrder('w1')));

    expect(await firstValueFrom(engine.start('u-alice'))).not.toContain('customers');
    expect(await lastValueFrom(store.count('workOrders'))).toBe(1);

    expect((await firstValueFrom(engine.start('u-bob'))).length).toBe(4);
    expect(await lastValueFrom(store.count('workOrders'))).toBe(0);
  });

  it('opens the local data ahead of a login without reading or wiping it', async () => {
    const { engine, store } = setUp();
    await firstValueFrom(engine.start('u-alice'));
    await lastValueFrom(store.upsertLocal('workOrders', workOrder('w1')));
    engine.stop();
    // A fresh start of the app: the stop's log entry written, the database closed.
    await TestBed.inject(SyncLog).flush();
    await TestBed.inject(LocalDatabase).close();
    const open = spyOn(TestBed.inject(LocalDatabase), 'open').and.callThrough();

    await lastValueFrom(engine.prepare(), { defaultValue: undefined });

    expect(open).toHaveBeenCalledTimes(1);
    // Whoever logs in next, nothing of alice's is gone before start() knows who it is.
    expect(await lastValueFrom(store.owner())).toBe('u-alice');
    expect(await lastValueFrom(store.count('workOrders'))).toBe(1);
  });

  it('answers requests made with nobody logged in with an error, not silence', async () => {
    const { engine } = setUp();
    await expectAsync(firstValueFrom(engine.request({ kind: 'manual' }))).toBeRejectedWith(
      SyncError.aborted('No user is logged in'),
    );
  });
});

describe('SyncEngine across tabs', () => {
  afterEach(async () => {
    TestBed.inject(SyncEngine).stop();
    await TestBed.inject(SyncLog).flush();
    await removeTestLocalDb();
  });

  it('reports a run that waits for another tab’s sync, through the browser’s Web Locks', async () => {
    const { engine } = setUp(SYNC_TABLES, new FakeSyncBrowser({ locks: navigator.locks }));
    await firstValueFrom(engine.start('u-alice'));
    const freeOtherTab = await anotherTabHoldsTheSyncLock(navigator.locks);
    try {
      const contended = firstValueFrom(
        engine.events$.pipe(filter((event) => event.type === 'lockContended')),
      );
      // An initial request is not debounced: its run asks for the lock at once, no timer.
      engine
        .request({ kind: 'initial', tables: ['customers'] })
        .subscribe({ error: () => undefined });
      expect(await contended).toEqual(jasmine.objectContaining({ alreadyQueued: false }));
    } finally {
      engine.stop(); // withdraws the waiting run before the other tab lets go
      freeOtherTab();
    }
  });
});
