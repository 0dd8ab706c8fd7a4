import { TestBed } from '@angular/core/testing';
import { MatDialog, type MatDialogRef } from '@angular/material/dialog';
import { provideMockActions } from '@ngrx/effects/testing';
import type { Action } from '@ngrx/store';
import { provideMockStore } from '@ngrx/store/testing';
import { defer, type Observable, of } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { runEffect } from '../../../testing/run-effect';
import { createTestScheduler } from '../../../testing/test-scheduler';
import { SyncError, type SyncOutcome, type SyncTrigger } from '../core';
import { SyncEngine } from '../engine/sync-engine';
import { SyncStore } from '../local';
import { SyncEngineActions } from '../state/sync.actions';
import { DEFAULT_SYNC_CONFIG, SYNC_SCHEDULER } from '../sync.tokens';
import { GateActions, GateDialogActions } from './gate.actions';
import { gateCompleted$, gateDialog$, gateWrites$, openGate$, runGate$ } from './gate.effects';
import { initialGateState } from './gate.feature';
import { INITIAL_SYNC_DIALOG_ID, InitialSyncDialog } from './initial-sync-dialog';

const succeeded: SyncOutcome = {
  status: 'succeeded',
  runId: 'r1',
  kind: 'initial',
  scope: 'full',
  masterData: false,
  startedAt: 0,
  finishedAt: 1,
  counts: { pushed: 0, rejected: 0, deadLettered: 0, pulled: 10, tables: [] },
};
const failed = (error: SyncError): SyncOutcome => ({
  ...succeeded,
  status: 'failed',
  reason: 'pull',
  error,
});

describe('initial-sync gate effects', () => {
  let actions$: Observable<Action>;
  let scheduler: TestScheduler;
  let outcomes: SyncOutcome[];
  let requests: SyncTrigger[];
  let engine: jasmine.SpyObj<SyncEngine>;
  let store: jasmine.SpyObj<SyncStore>;
  let dialog: jasmine.SpyObj<MatDialog>;
  let openDialog: MatDialogRef<unknown> | undefined;

  beforeEach(() => {
    scheduler = createTestScheduler();
    outcomes = [];
    requests = [];
    engine = jasmine.createSpyObj<SyncEngine>('SyncEngine', ['request', 'cooldown']);
    // Each attempt is a new request; its outcome is the next scripted one, at once.
    engine.request.and.callFake((trigger) =>
      defer(() => {
        requests.push(trigger);
        return of(outcomes.shift() ?? succeeded);
      }),
    );
    store = jasmine.createSpyObj<SyncStore>('SyncStore', ['blockWrites', 'allowWrites']);
    dialog = jasmine.createSpyObj<MatDialog>('MatDialog', ['open', 'getDialogById']);
    openDialog = undefined;
    dialog.getDialogById.and.callFake(() => openDialog);
    dialog.open.and.callFake(() => {
      openDialog = jasmine.createSpyObj<MatDialogRef<unknown>>('MatDialogRef', ['close']);
      return openDialog as MatDialogRef<never>;
    });
    TestBed.configureTestingModule({
      providers: [
        provideMockActions(() => actions$),
        provideMockStore({
          initialState: { syncGate: { ...initialGateState, tables: ['customers', 'products'] } },
        }),
        { provide: SyncEngine, useValue: engine },
        { provide: SyncStore, useValue: store },
        { provide: MatDialog, useValue: dialog },
        { provide: SYNC_SCHEDULER, useValue: scheduler },
      ],
    });
  });

  const opened = GateActions.opened({ tables: ['customers', 'products'] });
  const retrying = (attempt: number, delayMs: number) =>
    GateActions.retrying({
      attempt,
      of: 3,
      delayMs,
      message: `retrying in ${delayMs / 1000} s (attempt ${attempt} of 3)`,
    });

  describe('openGate$', () => {
    it('opens the gate when tables are missing, and only reports it', () => {
      scheduler.run(({ hot, expectObservable }) => {
        actions$ = hot('-a', {
          a: SyncEngineActions.started({ userId: 'u1', missingTables: ['customers', 'products'] }),
        });
        expectObservable(runEffect(openGate$)).toBe('-o', { o: opened });
      });
      // The data layer is gateWrites$'s business: this effect has no side effect of its own.
      expect(store.blockWrites).not.toHaveBeenCalled();
      expect(store.allowWrites).not.toHaveBeenCalled();
    });

    it('stays closed when every table is synced', () => {
      scheduler.run(({ hot, expectObservable }) => {
        actions$ = hot('-a', { a: SyncEngineActions.started({ userId: 'u1', missingTables: [] }) });
        expectObservable(runEffect(openGate$)).toBe('');
      });
    });
  });

  describe('gateWrites$', () => {
    it('blocks writes when tables are missing, and allows them when every table is synced', () => {
      const calls: string[] = [];
      store.blockWrites.and.callFake(() => calls.push('block'));
      store.allowWrites.and.callFake(() => calls.push('allow'));
      scheduler.run(({ hot, expectObservable }) => {
        actions$ = hot('-a-b', {
          a: SyncEngineActions.started({ userId: 'u1', missingTables: ['customers'] }),
          b: SyncEngineActions.started({ userId: 'u1', missingTables: [] }),
        });
        expectObservable(runEffect(gateWrites$)).toBe('-a-b', {
          a: SyncEngineActions.started({ userId: 'u1', missingTables: ['customers'] }),
          b: SyncEngineActions.started({ userId: 'u1', missingTables: [] }),
        });
      });
      expect(calls).toEqual(['block', 'allow']);
    });
  });

  describe('runGate$', () => {
    it('syncs the gated tables as one initial request and completes', () => {
      scheduler.run(({ hot, expectObservable }) => {
        actions$ = hot('-o', { o: opened });
        expectObservable(runEffect(runGate$)).toBe('-(sc)', {
          s: GateActions.attemptStarted(),
          c: GateActions.completed(),
        });
      });
      expect(requests).toEqual([{ kind: 'initial', tables: ['customers', 'products'] }]);
    });

    it('retries transient failures after 2 s, 5 s and 15 s, then gives up at 22 s', () => {
      outcomes = [1, 2, 3, 4].map(() => failed(SyncError.http(503)));
      scheduler.run(({ hot, expectObservable }) => {
        actions$ = hot('o', { o: opened });
        expectObservable(runEffect(runGate$)).toBe('(s1) 1996ms 2 4999ms 3 14999ms f', {
          s: GateActions.attemptStarted(),
          1: retrying(1, 2000),
          2: retrying(2, 5000),
          3: retrying(3, 15000),
          f: GateActions.failed({
            message: 'The server is not available right now (503). Try again in a moment.',
          }),
        });
      });
      expect(requests.length).toBe(4);
    });

    it('closes the gate when the second retry succeeds', () => {
      outcomes = [failed(SyncError.offline()), failed(SyncError.timeout()), succeeded];
      scheduler.run(({ hot, expectObservable }) => {
        actions$ = hot('o', { o: opened });
        expectObservable(runEffect(runGate$)).toBe('(s1) 1996ms 2 4999ms c', {
          s: GateActions.attemptStarted(),
          1: retrying(1, 2000),
          2: retrying(2, 5000),
          c: GateActions.completed(),
        });
      });
    });

    it('fails at once, without retries, on a failure a retry cannot fix', () => {
      outcomes = [failed(SyncError.http(400, 'bad checkpoint'))];
      scheduler.run(({ hot, expectObservable }) => {
        actions$ = hot('o', { o: opened });
        expectObservable(runEffect(runGate$)).toBe('(sf)', {
          s: GateActions.attemptStarted(),
          f: GateActions.failed({ message: 'The server refused the data (400): bad checkpoint' }),
        });
      });
      expect(requests.length).toBe(1);
    });

    it('does not retry a 401 and shows no failure: the session has ended', () => {
      outcomes = [failed(SyncError.http(401))];
      scheduler.run(({ hot, expectObservable }) => {
        actions$ = hot('o', { o: opened });
        expectObservable(runEffect(runGate$)).toBe('s', {
          s: GateActions.attemptStarted(),
        });
      });
      expect(requests.length).toBe(1);
    });

    it('starts a new cycle on "Try again", and stops retrying when the session stops', () => {
      outcomes = [failed(SyncError.http(400)), failed(SyncError.offline())];
      scheduler.run(({ hot, expectObservable }) => {
        actions$ = hot('o 9ms t 1s x', {
          o: opened,
          t: GateDialogActions.tryAgain(),
          x: SyncEngineActions.stopped(),
        });
        expectObservable(runEffect(runGate$)).toBe('(sf) 6ms (s1)', {
          s: GateActions.attemptStarted(),
          f: GateActions.failed({ message: 'The server refused the data (400): HTTP 400' }),
          1: retrying(1, 2000),
        });
      });
      expect(requests.length).toBe(2);
    });
  });

  it('allows writes and holds regular syncs for 5 s once the gate completes', () => {
    scheduler.run(({ hot, expectObservable }) => {
      actions$ = hot('-c', { c: GateActions.completed() });
      expectObservable(runEffect(gateCompleted$)).toBe('-c', {
        c: GateActions.completed(),
      });
    });
    expect(store.allowWrites).toHaveBeenCalled();
    expect(engine.cooldown).toHaveBeenCalledOnceWith(DEFAULT_SYNC_CONFIG.gateCooldownMs);
  });

  describe('gateDialog$', () => {
    it('opens the non-dismissable dialog once when the gate opens, and closes it on completion', () => {
      scheduler.run(({ hot, expectObservable }) => {
        actions$ = hot('-o-o-r-f-c', {
          o: opened,
          r: retrying(1, 2000),
          f: GateActions.failed({ message: 'x' }),
          c: GateActions.completed(),
        });
        expectObservable(runEffect(gateDialog$)).toBe('-o-o-----c', {
          o: opened,
          c: GateActions.completed(),
        });
      });
      expect(dialog.open).toHaveBeenCalledOnceWith(
        InitialSyncDialog,
        // Closed without a fade: once the data is there, the app shows at once.
        jasmine.objectContaining({
          id: INITIAL_SYNC_DIALOG_ID,
          disableClose: true,
          exitAnimationDuration: 0,
        }),
      );
      expect(openDialog?.close).toHaveBeenCalledTimes(1);
    });

    it('is never closed by retries or failures, only by completion or the session ending', () => {
      scheduler.run(({ hot, expectObservable }) => {
        actions$ = hot('-o-r-f-x', {
          o: opened,
          r: retrying(1, 2000),
          f: GateActions.failed({ message: 'x' }),
          x: SyncEngineActions.stopped(),
        });
        expectObservable(runEffect(gateDialog$)).toBe('-o-----x', {
          o: opened,
          x: SyncEngineActions.stopped(),
        });
      });
      expect(openDialog?.close).toHaveBeenCalledTimes(1);
    });
  });
});
