import { TestBed } from '@angular/core/testing';
import { provideMockActions } from '@ngrx/effects/testing';
import type { Action } from '@ngrx/store';
import { NEVER, type Observable, of, Subject } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { runEffect } from '../../../testing/run-effect';
import { createTestScheduler } from '../../../testing/test-scheduler';
import type { SyncOutcome, SyncTrigger } from '../core';
import { SyncEngine } from '../engine/sync-engine';
import type { LocalWrite } from '../local';
import { DEFAULT_SYNC_CONFIG, SYNC_BROWSER, SYNC_CONFIG, SYNC_SCHEDULER } from '../sync.tokens';
import { FakeSyncBrowser } from '../testing/fake-browser';
import { SyncBadgeActions, SyncEngineActions } from './sync.actions';
import {
  automaticTriggers$,
  badgeRequests$,
  holdWhileOffline$,
  syncOnStart$,
} from './sync-triggers.effects';

describe('sync trigger effects', () => {
  let actions$: Observable<Action>;
  let scheduler: TestScheduler;
  let requests: SyncTrigger[];
  let engine: {
    localWrites$: Observable<LocalWrite>;
    request: (trigger: SyncTrigger) => Observable<SyncOutcome>;
    holdUntil: jasmine.Spy;
  };
  let browser: FakeSyncBrowser;

  const started = SyncEngineActions.started({ userId: 'u1', missingTables: [] });

  beforeEach(() => {
    scheduler = createTestScheduler();
    requests = [];
    engine = {
      localWrites$: NEVER,
      request: (trigger) => {
        requests.push(trigger);
        return NEVER;
      },
      holdUntil: jasmine.createSpy('holdUntil'),
    };
    browser = new FakeSyncBrowser();
    TestBed.configureTestingModule({
      providers: [
        provideMockActions(() => actions$),
        { provide: SyncEngine, useValue: engine },
        { provide: SYNC_BROWSER, useValue: browser },
        { provide: SYNC_SCHEDULER, useValue: scheduler },
        {
          provide: SYNC_CONFIG,
          useValue: { ...DEFAULT_SYNC_CONFIG, backgroundIntervalMs: 60_000 },
        },
      ],
    });
  });

  it('asks for a sync on tap and a master-data re-sync on long press', () => {
    scheduler.run(({ hot, expectObservable }) => {
      actions$ = hot('-t-l', {
        t: SyncBadgeActions.syncRequested(),
        l: SyncBadgeActions.masterDataResyncRequested(),
      });
      expectObservable(runEffect(badgeRequests$)).toBe('');
    });
    expect(requests).toEqual([{ kind: 'manual' }, { kind: 'masterData' }]);
  });

  it('syncs at start only when the initial-sync gate has nothing to fetch first', () => {
    scheduler.run(({ hot, expectObservable }) => {
      actions$ = hot('-a-b', {
        a: SyncEngineActions.started({ userId: 'u1', missingTables: ['customers', 'products'] }),
        b: started,
      });
      expectObservable(runEffect(syncOnStart$)).toBe('');
    });
    expect(requests).toEqual([{ kind: 'manual' }]);
  });

  it('asks for a sync after every local write and a push-only one every interval, until stopped', () => {
    scheduler.run(({ hot, expectObservable, flush }) => {
      const writes = new Subject<LocalWrite>();
      engine.localWrites$ = writes;
      engine.request = (trigger) => {
        requests.push(trigger);
        return of({
          status: 'skipped',
          kind: 'background',
          reason: 'initialSyncInProgress',
          at: 0,
        });
      };
      actions$ = hot('-s 90s x', { s: started, x: SyncEngineActions.stopped() });
      scheduler.schedule(
        () => writes.next({ table: 'workOrders', id: 'w1', changeId: 'c1', deleted: false }),
        10,
      );
      expectObservable(runEffect(automaticTriggers$)).toBe('');
      flush();
    });
    // One write, one interval tick at 1 min; stopped at 90 s, so none at 2 min.
    expect(requests).toEqual([{ kind: 'repository' }, { kind: 'background' }]);
  });

  it('asks for a push-only sync when the browser comes online or the page goes hidden', () => {
    scheduler.run(({ hot, expectObservable, flush }) => {
      actions$ = hot('-s 10ms x', { s: started, x: SyncEngineActions.stopped() });
      scheduler.schedule(() => browser.goOnline(), 3);
      scheduler.schedule(() => browser.hidePage(), 5);
      // After the session stopped: nobody is logged in to sync for.
      scheduler.schedule(() => browser.hidePage(), 20);
      expectObservable(runEffect(automaticTriggers$)).toBe('');
      flush();
    });
    expect(requests).toEqual([{ kind: 'background' }, { kind: 'background' }]);
  });

  it('holds syncs while the browser is offline, until it is back online', () => {
    browser.goOffline();
    scheduler.run(({ hot, expectObservable, flush }) => {
      actions$ = hot('-s-o', {
        s: started,
        o: SyncEngineActions.connectivityChanged({ online: true }),
      });
      scheduler.schedule(() => browser.goOnline(), 2);
      expectObservable(runEffect(holdWhileOffline$)).toBe('-s', { s: started });
      flush();
    });
    expect(engine.holdUntil).toHaveBeenCalledTimes(1);
    const release = engine.holdUntil.calls.mostRecent().args[0] as Observable<unknown>;
    let released = false;
    release.subscribe(() => (released = true));
    browser.goOnline();
    expect(released).toBeTrue();
  });

  it('holds nothing while the browser is online', () => {
    scheduler.run(({ hot, expectObservable }) => {
      actions$ = hot('-s', { s: started });
      expectObservable(runEffect(holdWhileOffline$)).toBe('');
    });
    expect(engine.holdUntil).not.toHaveBeenCalled();
  });
});
