import { TestBed } from '@angular/core/testing';
import { MatDialog, type MatDialogRef } from '@angular/material/dialog';
import { provideMockActions } from '@ngrx/effects/testing';
import type { Action } from '@ngrx/store';
import { MockStore, provideMockStore } from '@ngrx/store/testing';
import type { Observable } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { runEffect } from '../../../testing/run-effect';
import { createTestScheduler } from '../../../testing/test-scheduler';
import {
  SyncBadgeActions,
  selectDeadLetterCount,
  selectGateOpen,
  selectPendingCount,
} from '../../sync';
import { LogoutWarningActions, UserMenuActions } from './auth.actions';
import { LogoutWarningDialog, type LogoutWarningChoice } from './logout-warning.dialog';
import { syncFirst$, warnBeforeLogOut$ } from './logout-warning.effects';

describe('logout warning effects', () => {
  let actions$: Observable<Action>;
  let scheduler: TestScheduler;
  let dialog: jasmine.SpyObj<MatDialog>;
  let store: MockStore;

  function given(pending: number, deadLetters = 0, gateOpen = false) {
    store.overrideSelector(selectPendingCount, pending);
    store.overrideSelector(selectDeadLetterCount, deadLetters);
    store.overrideSelector(selectGateOpen, gateOpen);
    store.refreshState();
  }

  function answer(marbles: string, choice: LogoutWarningChoice) {
    dialog.open.and.returnValue({
      afterClosed: () => scheduler.createColdObservable(marbles, { r: choice }),
    } as unknown as MatDialogRef<unknown>);
  }

  beforeEach(() => {
    dialog = jasmine.createSpyObj<MatDialog>('MatDialog', ['open']);
    TestBed.configureTestingModule({
      providers: [
        provideMockActions(() => actions$),
        provideMockStore(),
        { provide: MatDialog, useValue: dialog },
      ],
    });
    store = TestBed.inject(MockStore);
    scheduler = createTestScheduler();
  });

  const logOut = UserMenuActions.logOut();

  it('logs out at once when nothing is unsynced', () => {
    given(0);
    scheduler.run(({ hot, expectObservable }) => {
      actions$ = hot('-a', { a: logOut });
      expectObservable(runEffect(warnBeforeLogOut$)).toBe('-s', {
        s: LogoutWarningActions.skipped(),
      });
    });
    expect(dialog.open).not.toHaveBeenCalled();
  });

  it('never asks while the initial-sync gate is open ("Cancel and log out")', () => {
    given(4, 0, true);
    scheduler.run(({ hot, expectObservable }) => {
      actions$ = hot('-a', { a: logOut });
      expectObservable(runEffect(warnBeforeLogOut$)).toBe('-s', {
        s: LogoutWarningActions.skipped(),
      });
    });
    expect(dialog.open).not.toHaveBeenCalled();
  });

  for (const [choice, expected] of [
    ['syncFirst', LogoutWarningActions.syncFirst()],
    ['logOut', LogoutWarningActions.logOutAnyway()],
    [undefined, LogoutWarningActions.cancelled()],
  ] as const) {
    it(`asks first with unsynced changes, and maps "${choice}" to ${expected.type}`, () => {
      given(2, 1);
      scheduler.run(({ hot, expectObservable }) => {
        actions$ = hot('-a', { a: logOut });
        answer('---(r|)', choice);
        expectObservable(runEffect(warnBeforeLogOut$)).toBe('----x', { x: expected });
      });
      expect(dialog.open).toHaveBeenCalledOnceWith(
        LogoutWarningDialog,
        jasmine.objectContaining({ data: { count: 3 } }),
      );
    });
  }

  it('ignores another "Log out" while the question is open (exhaustMap)', () => {
    given(1);
    scheduler.run(({ hot, expectObservable }) => {
      actions$ = hot('-aa', { a: logOut });
      answer('---(r|)', 'logOut');
      expectObservable(runEffect(warnBeforeLogOut$)).toBe('----x', {
        x: LogoutWarningActions.logOutAnyway(),
      });
    });
    expect(dialog.open).toHaveBeenCalledTimes(1);
  });

  it('"Sync first" asks the engine for a manual sync; other choices do not', () => {
    scheduler.run(({ hot, expectObservable }) => {
      actions$ = hot('-a-b-c', {
        a: LogoutWarningActions.syncFirst(),
        b: LogoutWarningActions.cancelled(),
        c: LogoutWarningActions.logOutAnyway(),
      });
      expectObservable(runEffect(syncFirst$)).toBe('-s', {
        s: SyncBadgeActions.syncRequested(),
      });
    });
  });
});
