import { HttpErrorResponse } from '@angular/common/http';
import { TestBed } from '@angular/core/testing';
import { Router } from '@angular/router';
import { provideMockActions } from '@ngrx/effects/testing';
import type { Action } from '@ngrx/store';
import { Observable } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { runEffect } from '../../../testing/run-effect';
import { createTestScheduler } from '../../../testing/test-scheduler';
import {
  AuthApiActions,
  AuthSessionActions,
  LoginPageActions,
  LogoutWarningActions,
  UserMenuActions,
} from './auth.actions';
import { AuthApi } from './auth.api';
import { clearSession$, logIn$, logOut$, persistSession$ } from './auth.effects';
import { SessionPersistence } from './session';
import { ALICE_SESSION } from './session.spec';

describe('auth effects', () => {
  let actions$: Observable<Action>;
  let api: jasmine.SpyObj<AuthApi>;
  let persistence: jasmine.SpyObj<SessionPersistence>;
  let router: jasmine.SpyObj<Router>;
  let scheduler: TestScheduler;

  beforeEach(() => {
    api = jasmine.createSpyObj<AuthApi>('AuthApi', ['logIn', 'logOut']);
    persistence = jasmine.createSpyObj<SessionPersistence>('SessionPersistence', [
      'save',
      'clear',
      'load',
    ]);
    router = jasmine.createSpyObj<Router>('Router', ['navigateByUrl']);
    router.navigateByUrl.and.resolveTo(true);
    TestBed.configureTestingModule({
      providers: [
        provideMockActions(() => actions$),
        { provide: AuthApi, useValue: api },
        { provide: SessionPersistence, useValue: persistence },
        { provide: Router, useValue: router },
      ],
    });
    scheduler = createTestScheduler();
  });

  it('logs in and reports the session', () => {
    scheduler.run(({ hot, cold, expectObservable }) => {
      actions$ = hot('-a', { a: LoginPageActions.logIn({ username: 'alice', password: 'pw' }) });
      api.logIn.and.returnValue(cold('--s|', { s: ALICE_SESSION }));
      expectObservable(runEffect(logIn$)).toBe('---r', {
        r: AuthApiActions.loginSucceeded({ session: ALICE_SESSION }),
      });
    });
    expect(api.logIn).toHaveBeenCalledWith('alice', 'pw');
  });

  it('ignores a second login while the first is on its way (exhaustMap)', () => {
    scheduler.run(({ hot, cold, expectObservable }) => {
      const logIn = LoginPageActions.logIn({ username: 'alice', password: 'pw' });
      actions$ = hot('-aa', { a: logIn });
      api.logIn.and.returnValue(cold('---s|', { s: ALICE_SESSION }));
      expectObservable(runEffect(logIn$)).toBe('----r', {
        r: AuthApiActions.loginSucceeded({ session: ALICE_SESSION }),
      });
    });
    expect(api.logIn).toHaveBeenCalledTimes(1);
  });

  for (const [status, message] of [
    [401, 'Wrong username or password.'],
    [0, 'The server cannot be reached. Check the connection and try again.'],
    [429, 'Too many attempts. Wait a moment and try again.'],
    [500, 'Login failed. Please try again.'],
  ] as const) {
    it(`turns a ${status} into the message "${message}"`, () => {
      scheduler.run(({ hot, cold, expectObservable }) => {
        actions$ = hot('-a', { a: LoginPageActions.logIn({ username: 'alice', password: 'x' }) });
        api.logIn.and.returnValue(cold('-#', {}, new HttpErrorResponse({ status })));
        expectObservable(runEffect(logIn$)).toBe('--f', {
          f: AuthApiActions.loginFailed({ message }),
        });
      });
    });
  }

  it('saves the session and opens the app after a login', () => {
    scheduler.run(({ hot, expectObservable }) => {
      const success = AuthApiActions.loginSucceeded({ session: ALICE_SESSION });
      actions$ = hot('-a', { a: success });
      expectObservable(runEffect(persistSession$)).toBe('-a', { a: success });
    });
    expect(persistence.save).toHaveBeenCalledWith(ALICE_SESSION);
    expect(router.navigateByUrl).toHaveBeenCalledWith('/');
  });

  it('revokes the token, and completes the logout even when the server cannot be reached', () => {
    scheduler.run(({ hot, cold, expectObservable }) => {
      actions$ = hot('-a---b', {
        a: LogoutWarningActions.skipped(),
        b: LogoutWarningActions.logOutAnyway(),
      });
      api.logOut.and.returnValues(cold('-(v|)', { v: undefined }), cold('-#'));
      expectObservable(runEffect(logOut$)).toBe('--d---d', {
        d: AuthApiActions.logoutCompleted(),
      });
    });
    expect(api.logOut).toHaveBeenCalledTimes(2);
  });

  it('does not revoke anything on the menu click alone (the unsynced-changes check decides)', () => {
    scheduler.run(({ hot, expectObservable }) => {
      actions$ = hot('-a-b', {
        a: UserMenuActions.logOut(),
        b: LogoutWarningActions.cancelled(),
      });
      expectObservable(runEffect(logOut$)).toBe('----');
    });
    expect(api.logOut).not.toHaveBeenCalled();
  });

  it('clears the session and shows the login page when the user logs out or the session ends', () => {
    scheduler.run(({ hot, expectObservable }) => {
      const done = AuthApiActions.logoutCompleted();
      const ended = AuthSessionActions.ended({ message: 'Ended.' });
      actions$ = hot('-a-b', { a: done, b: ended });
      expectObservable(runEffect(clearSession$)).toBe('-a-b', { a: done, b: ended });
    });
    expect(persistence.clear).toHaveBeenCalledTimes(2);
    expect(router.navigateByUrl).toHaveBeenCalledWith('/login');
  });
});
