import { TestBed } from '@angular/core/testing';
import { provideMockActions } from '@ngrx/effects/testing';
import type { Action } from '@ngrx/store';
import { ToastrService } from 'ngx-toastr';
import { NEVER, type Observable, of, Subject } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { runEffect } from '../../../testing/run-effect';
import { createTestScheduler } from '../../../testing/test-scheduler';
import type { QueuedSnapshot, SyncEvent, SyncOutcome, SyncTrigger } from '../core';
import { SyncEngine } from '../engine/sync-engine';
import type { LocalWrite } from '../local';
import { DEFAULT_SYNC_CONFIG, SYNC_CONFIG, SYNC_SCHEDULER } from '../sync.tokens';
import { SyncBadgeActions, SyncEngineActions } from './sync.actions';
import {
  automaticTriggers$,
  badgeRequests$,
  engineEvents$,
  holdWhileOffline$,
  queuedNotice$,
  syncOnStart$,
} from './sync.effects';
import { QUEUED_NOTICE } from './sync-notices';

const queued: QueuedSnapshot = {
  kind: 'manual',
  scope: 'full',
  masterData: false,
  initialTables: [],
  requestCount: 1,
  since: 0,
};

describe('sync effects', () => {
  let actions$: Observable<Action>;
  let scheduler: TestScheduler;
  let requests: SyncTrigger[];
  let engine: {
    events$: Observable<SyncEvent>;
    localWrites$: Observable<LocalWrite>;
    request: (trigger: SyncTrigger) => Observable<SyncOutcome>;
    holdUntil: jasmine.Spy;
  };
  let toastr: jasmine.SpyObj<ToastrService>;

  beforeEach(() => {
    scheduler = createTestScheduler();
    requests = [];
    engine = {
      events$: NEVER,
      localWrites$: NEVER,
      request: (trigger) => {
        requests.push(trigger);
        return NEVER;
      },
      holdUntil: jasmine.createSpy('holdUntil'),
    };
    toastr = jasmine.createSpyObj<ToastrService>('ToastrService', ['info']);
    TestBed.configureTestingModule({
      providers: [
        provideMockActions(() => actions$),
        { provide: SyncEngine, useValue: engine },
        { provide: ToastrService, useValue: toastr },
        { provide: SYNC_SCHEDULER, useValue: scheduler },
        {
          provide: SYNC_CONFIG,
          useValue: { ...DEFAULT_SYNC_CONFIG, backgroundIntervalMs: 60_000 },
        },
      ],
    });
  });

  it('turns the engine events the store needs into actions, and drops log-only ones', () => {
    scheduler.run(({ hot, expectObservable }) => {
      engine.events$ = hot('-a-b-c', {
        a: { type: 'requestQueued', at: 1, behind: 'run', queued },
        b: { type: 'lockAcquired', at: 2, runId: 'r1', waitedMs: 0 },
        c: { type: 'phaseStarted', at: 3, runId: 'r1', phase: 'pull' },
      });
      expectObservable(runEffect(() => engineEvents$())).toBe('-a---c', {
        a: SyncEngineActions.requestQueued({ queued, behind: 'run' }),
        c: SyncEngineActions.phaseChanged({ runId: 'r1', phase: 'pull' }),
      });
    });
  });

  it('shows the queued toast once per queued request, and not behind the cooldown', () => {
    scheduler.run(({ hot, expectObservable, flush }) => {
      actions$ = hot('-a-m-h', {
        a: SyncEngineActions.requestQueued({ queued, behind: 'run' }),
        m: SyncEngineActions.requestMerged({ queued: { ...queued, requestCount: 2 } }),
        h: SyncEngineActions.requestQueued({ queued, behind: 'hold' }),
      });
      expectObservable(runEffect(() => queuedNotice$())).toBe('-a', {
        a: SyncEngineActions.requestQueued({ queued, behind: 'run' }),
      });
      flush();
    });
    expect(toastr.info).toHaveBeenCalledOnceWith(QUEUED_NOTICE);
  });

  it('asks for a sync on tap and a master-data re-sync on long press', () => {
    scheduler.run(({ hot, expectObservable }) => {
      actions$ = hot('-t-l', {
        t: SyncBadgeActions.syncRequested(),
        l: SyncBadgeActions.masterDataResyncRequested(),
      });
      expectObservable(runEffect(() => badgeRequests$())).toBe('');
    });
    expect(requests).toEqual([{ kind: 'manual' }, { kind: 'masterData' }]);
  });

  it('syncs at start only when the initial-sync gate has nothing to fetch first', () => {
    scheduler.run(({ hot, expectObservable }) => {
      actions$ = hot('-a-b', {
        a: SyncEngineActions.started({ userId: 'u1', missingTables: ['customers', 'products'] }),
        b: SyncEngineActions.started({ userId: 'u1', missingTables: [] }),
      });
      expectObservable(runEffect(() => syncOnStart$())).toBe('');
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
      actions$ = hot('-s 90s x', {
        s: SyncEngineActions.started({ userId: 'u1', missingTables: [] }),
        x: SyncEngineActions.stopped(),
      });
      scheduler.schedule(
        () => writes.next({ table: 'workOrders', id: 'w1', changeId: 'c1', deleted: false }),
        10,
      );
      expectObservable(runEffect(() => automaticTriggers$())).toBe('');
      flush();
    });
    // One write, one interval tick at 1 min; stopped at 90 s, so none at 2 min.
    expect(requests).toEqual([{ kind: 'repository' }, { kind: 'background' }]);
  });

  it('holds syncs while the browser is offline, until it is back online', () => {
    const onLine = spyOnProperty(navigator, 'onLine').and.returnValue(false);
    scheduler.run(({ hot, expectObservable, flush }) => {
      actions$ = hot('-s-o', {
        s: SyncEngineActions.started({ userId: 'u1', missingTables: [] }),
        o: SyncEngineActions.connectivityChanged({ online: true }),
      });
      expectObservable(runEffect(() => holdWhileOffline$())).toBe('-s', {
        s: SyncEngineActions.started({ userId: 'u1', missingTables: [] }),
      });
      scheduler.schedule(() => onLine.and.returnValue(true), 2);
      flush();
    });
    expect(engine.holdUntil).toHaveBeenCalledTimes(1);
    const release = engine.holdUntil.calls.mostRecent().args[0] as Observable<unknown>;
    let released = false;
    release.subscribe(() => (released = true));
    window.dispatchEvent(new Event('online'));
    expect(released).toBeTrue();
  });
});
