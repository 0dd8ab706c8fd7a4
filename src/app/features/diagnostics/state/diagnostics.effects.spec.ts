import { TestBed } from '@angular/core/testing';
import { MatDialog, type MatDialogRef } from '@angular/material/dialog';
import { provideMockActions } from '@ngrx/effects/testing';
import type { Action } from '@ngrx/store';
import { ToastrService } from 'ngx-toastr';
import { type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';

import {
  DeadLetterNotFoundError,
  SyncEngine,
  SyncStore,
  type DeadLetterResolution,
  type SyncEvent,
} from '../../../sync';
import { DiscardDialog } from '../dead-letters/discard-dialog';
import {
  DeadLetterActions,
  DeadLetterStoreActions,
  DiscardDialogActions,
  TimelineActions,
} from './diagnostics.actions';
import {
  confirmDiscard$,
  resolutionNotices$,
  resolveDeadLetter$,
  timelineEvents$,
} from './diagnostics.effects';
import { RESOLVE_FAILED_TITLE, resolvedNotice } from './diagnostics-notices';

const key = { table: 'workOrders', id: 'w1' } as const;
const pending: DeadLetterResolution = { ...key, result: 'pending', changeId: 'c2', deleted: false };

describe('diagnostics effects', () => {
  let actions$: Observable<Action>;
  let scheduler: TestScheduler;
  let store: jasmine.SpyObj<SyncStore>;
  let dialog: jasmine.SpyObj<MatDialog>;
  let toastr: jasmine.SpyObj<ToastrService>;
  let events$: Observable<SyncEvent>;

  beforeEach(() => {
    scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    store = jasmine.createSpyObj<SyncStore>('SyncStore', [
      'keepLocalVersion',
      'useServerVersion',
      'retryDeadLetter',
      'discardLocalChange',
    ]);
    dialog = jasmine.createSpyObj<MatDialog>('MatDialog', ['open']);
    toastr = jasmine.createSpyObj<ToastrService>('ToastrService', ['success', 'error']);
    const engine = {
      get events$() {
        return events$;
      },
    };
    TestBed.configureTestingModule({
      providers: [
        provideMockActions(() => actions$),
        { provide: SyncStore, useValue: store },
        { provide: SyncEngine, useValue: engine },
        { provide: MatDialog, useValue: dialog },
        { provide: ToastrService, useValue: toastr },
      ],
    });
  });

  const run = <T>(effect: () => Observable<T>) => TestBed.runInInjectionContext(effect);

  describe('timelineEvents$', () => {
    it('records the events the timeline reads and skips the rest', () => {
      scheduler.run(({ cold, expectObservable }) => {
        const received: SyncEvent = { type: 'requestReceived', at: 1, kind: 'manual' };
        events$ = cold('-a-b-c', {
          a: received,
          b: { type: 'holdStarted', at: 2 },
          c: { type: 'lockReleased', at: 3, runId: 'r1' },
        });
        expectObservable(run(() => timelineEvents$())).toBe('-a----', {
          a: TimelineActions.eventRecorded({ event: received }),
        });
      });
    });
  });

  describe('resolveDeadLetter$', () => {
    it('calls the store action that matches the click, and reports the resolution', () => {
      scheduler.run(({ cold, hot, expectObservable }) => {
        store.keepLocalVersion.and.returnValue(cold('--r|', { r: pending }));
        store.retryDeadLetter.and.returnValue(cold('-r|', { r: pending }));
        actions$ = hot('-k-t', {
          k: DeadLetterActions.keepMineClicked(key),
          t: DeadLetterActions.retryClicked({ table: 'workOrders', id: 'w2' }),
        });
        expectObservable(run(() => resolveDeadLetter$())).toBe('---ab', {
          a: DeadLetterStoreActions.resolved({ choice: 'keepMine', resolution: pending }),
          b: DeadLetterStoreActions.resolved({ choice: 'retry', resolution: pending }),
        });
      });
      expect(store.keepLocalVersion).toHaveBeenCalledWith('workOrders', 'w1');
      expect(store.retryDeadLetter).toHaveBeenCalledWith('workOrders', 'w2');
    });

    it('maps a refused resolution to a failure and keeps listening', () => {
      scheduler.run(({ cold, hot, expectObservable }) => {
        const refused = new DeadLetterNotFoundError('workOrders', 'w1', 'conflict');
        store.useServerVersion.and.returnValue(cold('-#', {}, refused));
        store.discardLocalChange.and.returnValue(
          cold('-r|', { r: { ...pending, result: 'removed', changeId: '' } }),
        );
        actions$ = hot('-u-d', {
          u: DeadLetterActions.useServerClicked(key),
          d: DiscardDialogActions.discardConfirmed(key),
        });
        expectObservable(run(() => resolveDeadLetter$())).toBe('--f-r', {
          f: DeadLetterStoreActions.resolveFailed({
            ...key,
            choice: 'useServer',
            message: refused.message,
          }),
          r: DeadLetterStoreActions.resolved({
            choice: 'discard',
            resolution: { ...pending, result: 'removed', changeId: '' },
          }),
        });
      });
    });

    it('does nothing for a discard click that was not confirmed', () => {
      scheduler.run(({ hot, expectObservable }) => {
        actions$ = hot('-d', { d: DeadLetterActions.discardClicked(key) });
        expectObservable(run(() => resolveDeadLetter$())).toBe('--');
      });
      expect(store.discardLocalChange).not.toHaveBeenCalled();
    });
  });

  describe('confirmDiscard$', () => {
    const answering = (answer$: Observable<boolean | undefined>) =>
      dialog.open.and.returnValue(
        jasmine.createSpyObj<MatDialogRef<unknown>>('MatDialogRef', { afterClosed: answer$ }),
      );

    it('asks, then confirms the discard', () => {
      scheduler.run(({ cold, hot, expectObservable }) => {
        answering(cold('---(t|)', { t: true }));
        actions$ = hot('-d', { d: DeadLetterActions.discardClicked(key) });
        expectObservable(run(() => confirmDiscard$())).toBe('----c', {
          c: DiscardDialogActions.discardConfirmed(key),
        });
      });
      expect(dialog.open).toHaveBeenCalledOnceWith(DiscardDialog, { data: key });
    });

    it('ignores clicks while the dialog is open, and a cancel discards nothing', () => {
      scheduler.run(({ cold, hot, expectObservable }) => {
        answering(cold('---(f|)', { f: false }));
        actions$ = hot('-dd', { d: DeadLetterActions.discardClicked(key) });
        expectObservable(run(() => confirmDiscard$())).toBe('-----');
      });
      expect(dialog.open).toHaveBeenCalledTimes(1);
    });
  });

  describe('resolutionNotices$', () => {
    it('toasts a success and a failure, and nothing for other actions', () => {
      scheduler.run(({ hot, expectObservable }) => {
        actions$ = hot('-s-f-x', {
          s: DeadLetterStoreActions.resolved({ choice: 'retry', resolution: pending }),
          f: DeadLetterStoreActions.resolveFailed({ ...key, choice: 'retry', message: 'nope' }),
          x: DeadLetterActions.retryClicked(key),
        });
        expectObservable(run(() => resolutionNotices$())).toBe('-s-f--', {
          s: DeadLetterStoreActions.resolved({ choice: 'retry', resolution: pending }),
          f: DeadLetterStoreActions.resolveFailed({ ...key, choice: 'retry', message: 'nope' }),
        });
      });
      expect(toastr.success).toHaveBeenCalledOnceWith(resolvedNotice('retry', pending));
      expect(toastr.error).toHaveBeenCalledOnceWith('nope', RESOLVE_FAILED_TITLE);
    });
  });
});
