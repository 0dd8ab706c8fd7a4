import { TestBed } from '@angular/core/testing';
import { provideMockActions } from '@ngrx/effects/testing';
import type { Action } from '@ngrx/store';
import { ToastrService } from 'ngx-toastr';
import type { Observable } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { runEffect } from '../../../testing/run-effect';
import { createTestScheduler } from '../../../testing/test-scheduler';
import { SyncEngineActions } from '../../sync';
import { resyncNotice$ } from './catalog.effects';
import { outcome } from './catalog.feature.spec';

describe('catalog effects', () => {
  let actions$: Observable<Action>;
  let scheduler: TestScheduler;
  let toastr: jasmine.SpyObj<ToastrService>;

  beforeEach(() => {
    toastr = jasmine.createSpyObj<ToastrService>('ToastrService', ['success', 'error']);
    TestBed.configureTestingModule({
      providers: [provideMockActions(() => actions$), { provide: ToastrService, useValue: toastr }],
    });
    scheduler = createTestScheduler();
  });

  const completed = (o = outcome()) => SyncEngineActions.runCompleted({ outcome: o });

  it('says when master data was downloaded again', () => {
    scheduler.run(({ hot, expectObservable }) => {
      actions$ = hot('-a', { a: completed() });
      expectObservable(runEffect(resyncNotice$)).toBe('-a', { a: completed() });
    });
    expect(toastr.success).toHaveBeenCalledOnceWith(
      'Customers and products were downloaded again.',
    );
  });

  it('says why a re-sync failed', () => {
    const failed = completed(outcome({ status: 'failed', message: 'Server unreachable' }));
    scheduler.run(({ hot, expectObservable }) => {
      actions$ = hot('-a', { a: failed });
      expectObservable(runEffect(resyncNotice$)).toBe('-a', { a: failed });
    });
    expect(toastr.error).toHaveBeenCalledOnceWith(
      'Re-syncing master data failed: Server unreachable. The lists keep their last data; ' +
        'try again later.',
      undefined,
      { timeOut: 10_000 },
    );
  });

  it('stays quiet about other runs and skipped re-syncs', () => {
    scheduler.run(({ hot, expectObservable }) => {
      actions$ = hot('-a-b', {
        a: completed(outcome({ kind: 'manual' })),
        b: completed(outcome({ status: 'skipped' })),
      });
      expectObservable(runEffect(resyncNotice$)).toBe('----');
    });
    expect(toastr.success).not.toHaveBeenCalled();
    expect(toastr.error).not.toHaveBeenCalled();
  });
});
