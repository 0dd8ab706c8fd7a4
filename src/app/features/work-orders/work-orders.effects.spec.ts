import { TestBed } from '@angular/core/testing';
import { MatDialog, type MatDialogRef } from '@angular/material/dialog';
import { Router } from '@angular/router';
import { provideMockActions } from '@ngrx/effects/testing';
import type { Action } from '@ngrx/store';
import { ToastrService } from 'ngx-toastr';
import type { Observable } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { runEffect } from '../../../testing/run-effect';
import { createTestScheduler } from '../../../testing/test-scheduler';
import { LocalWriteBlockedError } from '../../sync';
import { DeleteWorkOrderDialog } from './delete-work-order.dialog';
import { WorkOrderRepository } from './work-order-repository';
import {
  DeleteWorkOrderDialogActions,
  WorkOrderFormActions,
  WorkOrdersListActions,
  WorkOrdersLocalActions,
} from './work-orders.actions';
import { backToList$, confirmDelete$, delete$, notices$, save$ } from './work-orders.effects';
import { draft } from './work-orders.testing';

describe('work-order effects', () => {
  let actions$: Observable<Action>;
  let scheduler: TestScheduler;
  let repository: jasmine.SpyObj<WorkOrderRepository>;
  let dialog: jasmine.SpyObj<MatDialog>;
  let router: jasmine.SpyObj<Router>;
  let toastr: jasmine.SpyObj<ToastrService>;

  beforeEach(() => {
    repository = jasmine.createSpyObj<WorkOrderRepository>('WorkOrderRepository', [
      'save',
      'delete',
    ]);
    dialog = jasmine.createSpyObj<MatDialog>('MatDialog', ['open']);
    router = jasmine.createSpyObj<Router>('Router', ['navigateByUrl']);
    router.navigateByUrl.and.resolveTo(true);
    toastr = jasmine.createSpyObj<ToastrService>('ToastrService', ['success', 'info', 'error']);
    TestBed.configureTestingModule({
      providers: [
        provideMockActions(() => actions$),
        { provide: WorkOrderRepository, useValue: repository },
        { provide: MatDialog, useValue: dialog },
        { provide: Router, useValue: router },
        { provide: ToastrService, useValue: toastr },
      ],
    });
    scheduler = createTestScheduler();
  });

  const saveRequested = WorkOrderFormActions.saveRequested({ draft: draft() });
  const saved = WorkOrdersLocalActions.saveSucceeded({
    id: 'wo-1',
    title: 'Fix the pump',
    isNew: true,
    changed: true,
  });

  describe('save$', () => {
    it('writes the draft and reports success', () => {
      scheduler.run(({ hot, cold, expectObservable }) => {
        actions$ = hot('-a', { a: saveRequested });
        repository.save.and.returnValue(cold('--(v|)', { v: true }));
        expectObservable(runEffect(save$)).toBe('---s', { s: saved });
      });
      expect(repository.save).toHaveBeenCalledOnceWith(draft());
    });

    it('runs two saves one after the other (concatMap)', () => {
      scheduler.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
        actions$ = hot('-aa', { a: saveRequested });
        const write = cold('--(v|)', { v: true });
        repository.save.and.returnValue(write);
        expectObservable(runEffect(save$)).toBe('---s-s', { s: saved });
        expectSubscriptions(write.subscriptions).toBe(['-^-!', '---^-!']);
      });
    });

    it('reports an edit that changed nothing as such (nothing was written)', () => {
      const edit = draft({ orderChanges: {}, newLines: [] });
      scheduler.run(({ hot, cold, expectObservable }) => {
        actions$ = hot('-a', { a: WorkOrderFormActions.saveRequested({ draft: edit }) });
        repository.save.and.returnValue(cold('-(v|)', { v: false }));
        expectObservable(runEffect(save$)).toBe('--s', {
          s: WorkOrdersLocalActions.saveSucceeded({
            id: 'wo-1',
            title: 'Fix the pump',
            isNew: false,
            changed: false,
          }),
        });
      });
    });

    it('turns a refused write into a failure with words for the user', () => {
      scheduler.run(({ hot, cold, expectObservable }) => {
        actions$ = hot('-a', { a: saveRequested });
        repository.save.and.returnValue(cold('-#', {}, new LocalWriteBlockedError('workOrders')));
        expectObservable(runEffect(save$)).toBe('--f', {
          f: WorkOrdersLocalActions.saveFailed({
            message:
              'The work order could not be saved yet: the first download of your data is still ' +
              'running. Your input is kept; try again when it has finished.',
          }),
        });
      });
    });

    it('ignores other actions', () => {
      scheduler.run(({ hot, expectObservable }) => {
        actions$ = hot('-a', { a: WorkOrdersListActions.searchChanged({ search: 'x' }) });
        expectObservable(runEffect(save$)).toBe('--');
      });
      expect(repository.save).not.toHaveBeenCalled();
    });
  });

  describe('confirmDelete$', () => {
    const requested = WorkOrderFormActions.deleteRequested({ id: 'wo-1', title: 'Pump' });

    function answer(marbles: string, value: boolean | undefined) {
      dialog.open.and.returnValue({
        afterClosed: () => scheduler.createColdObservable(marbles, { r: value }),
      } as unknown as MatDialogRef<unknown>);
    }

    it('deletes only after the user confirmed', () => {
      scheduler.run(({ hot, expectObservable }) => {
        actions$ = hot('-a', { a: requested });
        answer('--(r|)', true);
        expectObservable(runEffect(confirmDelete$)).toBe('---c', {
          c: DeleteWorkOrderDialogActions.confirmed({ id: 'wo-1', title: 'Pump' }),
        });
      });
      expect(dialog.open).toHaveBeenCalledOnceWith(DeleteWorkOrderDialog, {
        data: { title: 'Pump' },
        autoFocus: 'first-tabbable',
      });
    });

    it('keeps the work order when the dialog is dismissed, and asks once at a time', () => {
      scheduler.run(({ hot, expectObservable }) => {
        actions$ = hot('-aa', { a: requested });
        answer('--(r|)', undefined);
        expectObservable(runEffect(confirmDelete$)).toBe('---c', {
          c: DeleteWorkOrderDialogActions.cancelled(),
        });
      });
      expect(dialog.open).toHaveBeenCalledTimes(1);
    });
  });

  describe('delete$', () => {
    const confirmed = DeleteWorkOrderDialogActions.confirmed({ id: 'wo-1', title: 'Pump' });

    it('deletes the work order with its lines', () => {
      scheduler.run(({ hot, cold, expectObservable }) => {
        actions$ = hot('-a', { a: confirmed });
        repository.delete.and.returnValue(cold('-(v|)', { v: undefined }));
        expectObservable(runEffect(delete$)).toBe('--d', {
          d: WorkOrdersLocalActions.deleteSucceeded({ id: 'wo-1', title: 'Pump' }),
        });
      });
      expect(repository.delete).toHaveBeenCalledOnceWith('wo-1');
    });

    it('reports a failed delete', () => {
      scheduler.run(({ hot, cold, expectObservable }) => {
        actions$ = hot('-a', { a: confirmed });
        repository.delete.and.returnValue(cold('-#', {}, new Error('disk full')));
        expectObservable(runEffect(delete$)).toBe('--f', {
          f: WorkOrdersLocalActions.deleteFailed({
            message:
              'The work order could not be deleted on this device (disk full). Your input is kept.',
          }),
        });
      });
    });

    it('does nothing when the delete was cancelled', () => {
      scheduler.run(({ hot, expectObservable }) => {
        actions$ = hot('-a', { a: DeleteWorkOrderDialogActions.cancelled() });
        expectObservable(runEffect(delete$)).toBe('--');
      });
      expect(repository.delete).not.toHaveBeenCalled();
    });
  });

  it('goes back to the list after a save or delete, not after a failure', () => {
    scheduler.run(({ hot, expectObservable }) => {
      const failed = WorkOrdersLocalActions.saveFailed({ message: 'no' });
      const deleted = WorkOrdersLocalActions.deleteSucceeded({ id: 'wo-1', title: 'Pump' });
      actions$ = hot('-a-b-c', { a: saved, b: failed, c: deleted });
      expectObservable(runEffect(backToList$)).toBe('-a---c', { a: saved, c: deleted });
    });
    expect(router.navigateByUrl).toHaveBeenCalledTimes(2);
    expect(router.navigateByUrl).toHaveBeenCalledWith('/work-orders');
  });

  it('tells the user how saves and deletes went', () => {
    scheduler.run(({ hot, expectObservable }) => {
      const failed = WorkOrdersLocalActions.saveFailed({ message: 'Not now.' });
      const other = WorkOrdersListActions.searchChanged({ search: 'x' });
      actions$ = hot('-a-b-c', { a: saved, b: failed, c: other });
      expectObservable(runEffect(notices$)).toBe('-a-b', { a: saved, b: failed });
    });
    expect(toastr.success).toHaveBeenCalledOnceWith('“Fix the pump” saved. It syncs on its own.');
    expect(toastr.error).toHaveBeenCalledOnceWith('Not now.', undefined, { timeOut: 10_000 });
  });

  it('says when a save had nothing to write', () => {
    scheduler.run(({ hot, expectObservable }) => {
      const unchanged = WorkOrdersLocalActions.saveSucceeded({
        id: 'wo-1',
        title: 'Pump',
        isNew: false,
        changed: false,
      });
      actions$ = hot('-a', { a: unchanged });
      expectObservable(runEffect(notices$)).toBe('-a', { a: unchanged });
    });
    expect(toastr.info).toHaveBeenCalledOnceWith('Nothing to save: “Pump” has no changes.');
    expect(toastr.success).not.toHaveBeenCalled();
  });
});
