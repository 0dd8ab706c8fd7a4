import { TestBed } from '@angular/core/testing';
import { MatDialog, type MatDialogRef } from '@angular/material/dialog';
import { provideMockActions } from '@ngrx/effects/testing';
import type { Action } from '@ngrx/store';
import { ToastrService } from 'ngx-toastr';
import { type Observable } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { runEffect } from '../../../../testing/run-effect';
import { createTestScheduler } from '../../../../testing/test-scheduler';

import {
  DeadLetterNotFoundError,
  DeadLetterResolver,
  ResolutionUnavailableError,
  SyncEngine,
  type DeadLetterChoice,
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
  let resolver: jasmine.SpyObj<DeadLetterResolver>;
  let dialog: jasmine.SpyObj<MatDialog>;
  let toastr: jasmine.SpyObj<ToastrService>;
  let events$: Observable<SyncEvent>;

  beforeEach(() => {
    scheduler = createTestScheduler();
    resolver = jasmine.createSpyObj<DeadLetterResolver>('DeadLetterResolver', ['resolve']);
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
        { provide: DeadLetterResolver, useValue: resolver },
        { provide: SyncEngine, useValue: engine },
        { provide: MatDialog, useValue: dialog },
        { provide: ToastrService, useValue: toastr },
      ],
    });
  });

  describe('timelineEvents$', () => {
    it('records the events the timeline reads and skips the rest', () => {
      scheduler.run(({ cold, expectObservable }) => {
        const received: SyncEvent = { type: 'requestReceived', at: 1, kind: 'manual' };
        events$ = cold('-a-b-c', {
          a: received,
          b: { type: 'holdStarted', at: 2 },
          c: { type: 'lockReleased', at: 3, runId: 'r1' },
        });
        expectObservable(runEffect(timelineEvents$)).toBe('-a----', {
          a: TimelineActions.eventRecorded({ event: received }),
        });
      });
    });
  });

  /** The resolver answers each choice with its own stream. */
  const answers = (streams: Partial<Record<DeadLetterChoice, Observable<DeadLetterResolution>>>) =>
    resolver.resolve.and.callFake((choice) => streams[choice] as Observable<DeadLetterResolution>);

  describe('resolveDeadLetter$', () => {
    it('asks the resolver for the choice that matches the click, and reports it', () => {
      scheduler.run(({ cold, hot, expectObservable }) => {
        answers({ keepMine: cold('--r|', { r: pending }), retry: cold('-r|', { r: pending }) });
        actions$ = hot('-k-t', {
          k: DeadLetterActions.keepMineClicked(key),
          t: DeadLetterActions.retryClicked({ table: 'workOrders', id: 'w2' }),
        });
        expectObservable(runEffect(resolveDeadLetter$)).toBe('---ab', {
          a: DeadLetterStoreActions.resolved({ choice: 'keepMine', resolution: pending }),
          b: DeadLetterStoreActions.resolved({ choice: 'retry', resolution: pending }),
        });
      });
      expect(resolver.resolve.calls.allArgs()).toEqual([
        ['keepMine', 'workOrders', 'w1'],
        ['retry', 'workOrders', 'w2'],
      ]);
    });

    it('reports an offline resolution as a failure with its message', () => {
      const offline = new ResolutionUnavailableError('Nothing was changed: offline');
      scheduler.run(({ cold, hot, expectObservable }) => {
        answers({ keepMine: cold('-#', {}, offline) });
        actions$ = hot('-k', { k: DeadLetterActions.keepMineClicked(key) });
        expectObservable(runEffect(resolveDeadLetter$)).toBe('--f', {
          f: DeadLetterStoreActions.resolveFailed({
            ...key,
            choice: 'keepMine',
            message: offline.message,
          }),
        });
      });
    });

    it('maps a refused resolution to a failure and keeps listening', () => {
      scheduler.run(({ cold, hot, expectObservable }) => {
        const refused = new DeadLetterNotFoundError('workOrders', 'w1', 'conflict');
        answers({
          useServer: cold('-#', {}, refused),
          discard: cold('-r|', { r: { ...pending, result: 'removed', changeId: '' } }),
        });
        actions$ = hot('-u-d', {
          u: DeadLetterActions.useServerClicked(key),
          d: DiscardDialogActions.discardConfirmed(key),
        });
        expectObservable(runEffect(resolveDeadLetter$)).toBe('--f-r', {
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
        expectObservable(runEffect(resolveDeadLetter$)).toBe('--');
      });
      expect(resolver.resolve).not.toHaveBeenCalled();
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
        expectObservable(runEffect(confirmDiscard$)).toBe('----c', {
          c: DiscardDialogActions.discardConfirmed(key),
        });
      });
      expect(dialog.open).toHaveBeenCalledOnceWith(DiscardDialog, { data: key });
    });

    it('ignores clicks while the dialog is open, and a cancel discards nothing', () => {
      scheduler.run(({ cold, hot, expectObservable }) => {
        answering(cold('---(f|)', { f: false }));
        actions$ = hot('-dd', { d: DeadLetterActions.discardClicked(key) });
        expectObservable(runEffect(confirmDiscard$)).toBe('-----');
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
        expectObservable(runEffect(resolutionNotices$)).toBe('-s-f--', {
          s: DeadLetterStoreActions.resolved({ choice: 'retry', resolution: pending }),
          f: DeadLetterStoreActions.resolveFailed({ ...key, choice: 'retry', message: 'nope' }),
        });
      });
      expect(toastr.success).toHaveBeenCalledOnceWith(resolvedNotice('retry', pending));
      expect(toastr.error).toHaveBeenCalledOnceWith('nope', RESOLVE_FAILED_TITLE);
    });
  });
});
