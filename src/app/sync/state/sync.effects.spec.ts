import { TestBed } from '@angular/core/testing';
import { provideMockActions } from '@ngrx/effects/testing';
import type { Action } from '@ngrx/store';
import { ToastrService } from 'ngx-toastr';
import { NEVER, type Observable } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { runEffect } from '../../../testing/run-effect';
import { createTestScheduler } from '../../../testing/test-scheduler';
import {
  INITIAL_SYNC_STATE,
  SyncError,
  type QueuedSnapshot,
  type RunOutcome,
  type SyncEvent,
  type SyncState,
} from '../core';
import { SyncEngine } from '../engine/sync-engine';
import { SyncLog } from '../local';
import type { RunMarker } from '../lock/run-board';
import { SYNC_BROWSER } from '../sync.tokens';
import { FakeSyncBrowser } from '../testing/fake-browser';
import { summarizeOutcome } from './outcome-summary';
import { SyncEngineActions } from './sync.actions';
import {
  connectivity$,
  counts$,
  engineEvents$,
  engineState$,
  lockHolder$,
  queuedNotice$,
  startFailed$,
} from './sync.effects';
import { QUEUED_NOTICE, startFailedNotice } from './sync-notices';
import { toSnapshot } from './sync-snapshot';

const queued: QueuedSnapshot = {
  kind: 'manual',
  scope: 'full',
  masterData: false,
  initialTables: [],
  requestCount: 1,
  since: 0,
};

const failedRun: RunOutcome = {
  status: 'failed',
  runId: 'r1',
  kind: 'manual',
  scope: 'full',
  masterData: false,
  startedAt: 0,
  finishedAt: 5,
  counts: { pushed: 0, rejected: 0, deadLettered: 0, pulled: 0, tables: [] },
  reason: 'pull',
  error: SyncError.offline(),
};

describe('sync effects: the engine and the browser, bridged to the store', () => {
  let actions$: Observable<Action>;
  let scheduler: TestScheduler;
  let engine: {
    state$: Observable<SyncState>;
    events$: Observable<SyncEvent>;
    pendingCount$: Observable<number>;
    deadLetterCount$: Observable<number>;
    runBoard: { current$: Observable<RunMarker | null> };
  };
  let browser: FakeSyncBrowser;
  let toastr: jasmine.SpyObj<ToastrService>;
  let syncLog: jasmine.SpyObj<SyncLog>;

  beforeEach(() => {
    scheduler = createTestScheduler();
    engine = {
      state$: NEVER,
      events$: NEVER,
      pendingCount$: NEVER,
      deadLetterCount$: NEVER,
      runBoard: { current$: NEVER },
    };
    browser = new FakeSyncBrowser();
    toastr = jasmine.createSpyObj<ToastrService>('ToastrService', ['info', 'error']);
    syncLog = jasmine.createSpyObj<SyncLog>('SyncLog', ['append']);
    TestBed.configureTestingModule({
      providers: [
        provideMockActions(() => actions$),
        { provide: SyncEngine, useValue: engine },
        { provide: SYNC_BROWSER, useValue: browser },
        { provide: ToastrService, useValue: toastr },
        { provide: SyncLog, useValue: syncLog },
      ],
    });
  });

  it('reports every state of the coordinator, as plain data', () => {
    const running: SyncState = { ...INITIAL_SYNC_STATE, queued };
    const failed: SyncState = { ...INITIAL_SYNC_STATE, lastOutcome: failedRun };
    scheduler.run(({ cold, expectObservable }) => {
      engine.state$ = cold('a-b-c', { a: INITIAL_SYNC_STATE, b: running, c: failed });
      expectObservable(runEffect(engineState$)).toBe('a-b-c', {
        a: SyncEngineActions.stateChanged({ state: toSnapshot(INITIAL_SYNC_STATE) }),
        b: SyncEngineActions.stateChanged({ state: toSnapshot(running) }),
        c: SyncEngineActions.stateChanged({
          state: { ...failed, lastOutcome: summarizeOutcome(failedRun) },
        }),
      });
    });
  });

  it('turns the events something reacts to into actions, and leaves the rest to the log', () => {
    scheduler.run(({ hot, expectObservable }) => {
      engine.events$ = hot('-a-b-c-d-w-k', {
        a: { type: 'requestQueued', at: 1, behind: 'run', queued },
        b: { type: 'lockAcquired', at: 2, runId: 'r1', waitedMs: 0 },
        c: { type: 'phaseStarted', at: 3, runId: 'r1', phase: 'pull' },
        d: { type: 'runCompleted', at: 5, outcome: failedRun },
        w: { type: 'lockContended', at: 6, runId: 'r2', alreadyQueued: false },
        // Its requests were queued behind r2 and told so then: no new wait to report.
        k: { type: 'lockContended', at: 7, runId: 'r3', alreadyQueued: true },
      });
      expectObservable(runEffect(engineEvents$)).toBe('-a-----d-w', {
        a: SyncEngineActions.requestQueued({ queued, behind: 'run' }),
        d: SyncEngineActions.runCompleted({ outcome: summarizeOutcome(failedRun) }),
        w: SyncEngineActions.waitingForOtherTab({ runId: 'r2' }),
      });
    });
  });

  it('reports the session’s counts from its start, and none after it stopped', () => {
    scheduler.run(({ hot, cold, expectObservable }) => {
      engine.pendingCount$ = cold('a-b---c', { a: 0, b: 2, c: 3 });
      engine.deadLetterCount$ = cold('a', { a: 1 });
      actions$ = hot('-s--x', {
        s: SyncEngineActions.started({ userId: 'u1', missingTables: [] }),
        x: SyncEngineActions.stopped(),
      });
      expectObservable(runEffect(counts$)).toBe('-a-b', {
        a: SyncEngineActions.countsChanged({ pending: 0, deadLetter: 1 }),
        b: SyncEngineActions.countsChanged({ pending: 2, deadLetter: 1 }),
      });
    });
  });

  it('reports which run, of any tab, holds the lock', () => {
    const marker: RunMarker = { runId: 'r9', kind: 'manual', tabId: 'tab-b', startedAt: 1 };
    scheduler.run(({ cold, expectObservable }) => {
      engine.runBoard.current$ = cold('a-b-a', { a: null, b: marker });
      expectObservable(runEffect(lockHolder$)).toBe('a-b-a', {
        a: SyncEngineActions.remoteRunChanged({ run: null }),
        b: SyncEngineActions.remoteRunChanged({ run: marker }),
      });
    });
  });

  it('reports the browser’s connectivity at once and on every change, from SYNC_BROWSER', () => {
    browser.goOffline();
    scheduler.run(({ expectObservable }) => {
      scheduler.schedule(() => browser.goOnline(), 2);
      scheduler.schedule(() => browser.goOffline(), 4);
      expectObservable(runEffect(connectivity$), '^ 10ms !').toBe('a-b-a', {
        a: SyncEngineActions.connectivityChanged({ online: false }),
        b: SyncEngineActions.connectivityChanged({ online: true }),
      });
    });
  });

  it('tells the user and the sync log when the engine could not start', () => {
    scheduler.run(({ hot, expectObservable }) => {
      actions$ = hot('-f', { f: SyncEngineActions.startFailed({ message: 'no storage' }) });
      expectObservable(runEffect(startFailed$)).toBe('-f', {
        f: SyncEngineActions.startFailed({ message: 'no storage' }),
      });
    });
    expect(toastr.error).toHaveBeenCalledOnceWith(
      startFailedNotice('no storage'),
      undefined,
      jasmine.objectContaining({ disableTimeOut: true }),
    );
    expect(syncLog.append).toHaveBeenCalledOnceWith({
      level: 'error',
      message: 'sync engine failed to start: no storage',
    });
  });

  it('shows the queued toast once per queued request, and not behind the cooldown', () => {
    scheduler.run(({ hot, expectObservable, flush }) => {
      actions$ = hot('-a-h', {
        a: SyncEngineActions.requestQueued({ queued, behind: 'run' }),
        h: SyncEngineActions.requestQueued({ queued, behind: 'hold' }),
      });
      expectObservable(runEffect(queuedNotice$)).toBe('-a', {
        a: SyncEngineActions.requestQueued({ queued, behind: 'run' }),
      });
      flush();
    });
    expect(toastr.info).toHaveBeenCalledOnceWith(QUEUED_NOTICE);
  });

  it('shows the same queued toast when a request waits for another tab’s sync', () => {
    scheduler.run(({ hot, expectObservable, flush }) => {
      actions$ = hot('-w-a', {
        w: SyncEngineActions.waitingForOtherTab({ runId: 'r1' }),
        a: SyncEngineActions.requestQueued({ queued, behind: 'run' }),
      });
      expectObservable(runEffect(queuedNotice$)).toBe('-w-a', {
        w: SyncEngineActions.waitingForOtherTab({ runId: 'r1' }),
        a: SyncEngineActions.requestQueued({ queued, behind: 'run' }),
      });
      flush();
    });
    expect(toastr.info.calls.allArgs()).toEqual([[QUEUED_NOTICE], [QUEUED_NOTICE]]);
  });
});
