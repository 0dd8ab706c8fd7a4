import { TestBed } from '@angular/core/testing';
import { provideMockActions } from '@ngrx/effects/testing';
import type { Action } from '@ngrx/store';
import { type Observable, throwError } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import type { TableName } from '../../../contract/tables';
import { runEffect } from '../../testing/run-effect';
import { createTestScheduler } from '../../testing/test-scheduler';
import {
  AuthApiActions,
  AuthSessionActions,
  LoginPageActions,
  UserMenuActions,
} from '../features/auth/auth.actions';
import type { Session } from '../features/auth/session';
import { GateDialogActions, SyncEngine, SyncEngineActions } from '../sync';
import {
  cancelInitialSync$,
  prepareEngine$,
  startEngine$,
  stopEngine$,
} from './session-sync.effects';

const session = (id: string): Session => ({
  token: `token-${id}`,
  expiresAt: 10_000,
  user: { id, name: id, username: id },
});

describe('session ↔ sync effects', () => {
  let actions$: Observable<Action>;
  let scheduler: TestScheduler;
  let engine: jasmine.SpyObj<SyncEngine>;

  beforeEach(() => {
    scheduler = createTestScheduler();
    engine = jasmine.createSpyObj<SyncEngine>('SyncEngine', ['start', 'stop', 'prepare']);
    TestBed.configureTestingModule({
      providers: [provideMockActions(() => actions$), { provide: SyncEngine, useValue: engine }],
    });
  });

  describe('startEngine$', () => {
    it('starts the engine for the user who logged in or whose session was restored', () => {
      scheduler.run(({ hot, cold, expectObservable }) => {
        engine.start.and.callFake((userId) =>
          cold<TableName[]>('--(t|)', { t: userId === 'u1' ? ['customers'] : [] }),
        );
        actions$ = hot('-l---r', {
          l: AuthApiActions.loginSucceeded({ session: session('u1') }),
          r: AuthSessionActions.restored({ session: session('u2') }),
        });
        expectObservable(runEffect(startEngine$)).toBe('---a---b', {
          a: SyncEngineActions.started({ userId: 'u1', missingTables: ['customers'] }),
          b: SyncEngineActions.started({ userId: 'u2', missingTables: [] }),
        });
      });
      expect(engine.start.calls.allArgs()).toEqual([['u1'], ['u2']]);
    });

    it('starts nothing when no session was stored', () => {
      scheduler.run(({ hot, expectObservable }) => {
        actions$ = hot('-r', { r: AuthSessionActions.restored({ session: null }) });
        expectObservable(runEffect(startEngine$)).toBe('');
      });
      expect(engine.start).not.toHaveBeenCalled();
    });

    it('reports a failed start with its reason, and keeps listening for the next session', () => {
      scheduler.run(({ hot, cold, expectObservable }) => {
        engine.start.and.returnValues(
          throwError(() => new Error('IndexedDB is not available')),
          cold<TableName[]>('(t|)', { t: [] }),
        );
        actions$ = hot('-l-l', {
          l: AuthApiActions.loginSucceeded({ session: session('u1') }),
        });
        expectObservable(runEffect(startEngine$)).toBe('-f-s', {
          f: SyncEngineActions.startFailed({ message: 'IndexedDB is not available' }),
          s: SyncEngineActions.started({ userId: 'u1', missingTables: [] }),
        });
      });
    });

    it('lets a newer session replace one still starting', () => {
      scheduler.run(({ hot, cold, expectObservable }) => {
        engine.start.and.callFake(() => cold<TableName[]>('---(t|)', { t: [] }));
        actions$ = hot('-a-b', {
          a: AuthApiActions.loginSucceeded({ session: session('u1') }),
          b: AuthApiActions.loginSucceeded({ session: session('u2') }),
        });
        expectObservable(runEffect(startEngine$)).toBe('------s', {
          s: SyncEngineActions.started({ userId: 'u2', missingTables: [] }),
        });
      });
    });
  });

  describe('prepareEngine$', () => {
    const logIn = LoginPageActions.logIn({ username: 'alice', password: 'secret' });

    it('opens the local data while the login request is on its way, not after its answer', () => {
      scheduler.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
        const opened = cold<void>('----(o|)', { o: undefined });
        engine.prepare.and.returnValue(opened);
        actions$ = hot('-l', { l: logIn });
        expectObservable(runEffect(prepareEngine$)).toBe('');
        // Subscribed at the click, so it runs beside the request; nothing of it is dispatched.
        expectSubscriptions(opened.subscriptions).toBe('-^---!');
      });
      expect(engine.prepare).toHaveBeenCalledTimes(1);
    });

    it('ignores a failed open (the start opens again and reports it) and keeps listening', () => {
      scheduler.run(({ hot, cold, expectObservable }) => {
        engine.prepare.and.returnValues(
          throwError(() => new Error('IndexedDB is not available')),
          cold<void>('(o|)', { o: undefined }),
        );
        actions$ = hot('-l-l', { l: logIn });
        expectObservable(runEffect(prepareEngine$)).toBe('');
      });
      expect(engine.prepare).toHaveBeenCalledTimes(2);
    });
  });

  it('stops the engine when the session ends, by logout or by the server', () => {
    scheduler.run(({ hot, expectObservable }) => {
      actions$ = hot('-l-e', {
        l: AuthApiActions.logoutCompleted(),
        e: AuthSessionActions.ended({ message: 'revoked' }),
      });
      expectObservable(runEffect(stopEngine$)).toBe('-s-s', { s: SyncEngineActions.stopped() });
    });
    expect(engine.stop).toHaveBeenCalledTimes(2);
  });

  it('turns "Cancel and log out" of the initial-sync dialog into a normal logout', () => {
    scheduler.run(({ hot, expectObservable }) => {
      actions$ = hot('-c', { c: GateDialogActions.cancelAndLogOut() });
      expectObservable(runEffect(cancelInitialSync$)).toBe('-o', { o: UserMenuActions.logOut() });
    });
  });
});
