import { inject } from '@angular/core';
import { MatDialog } from '@angular/material/dialog';
import { Router } from '@angular/router';
import { Actions, createEffect, ofType } from '@ngrx/effects';
import { ToastrService } from 'ngx-toastr';
import { catchError, concatMap, exhaustMap, map, of, tap } from 'rxjs';
import { DeleteWorkOrderDialog, type DeleteWorkOrderData } from './delete-work-order.dialog';
import { WorkOrderRepository } from './work-order-repository';
import { writeError } from './work-order-messages';
import {
  DeleteWorkOrderDialogActions,
  WorkOrderFormActions,
  WorkOrdersLocalActions,
} from './work-orders.actions';

// concatMap: writes, in the order the user asked for them.
export const save$ = createEffect(
  (actions$ = inject(Actions), repository = inject(WorkOrderRepository)) => {
    return actions$.pipe(
      ofType(WorkOrderFormActions.saveRequested),
      concatMap(({ draft }) =>
        repository.save(draft).pipe(
          map((changed) =>
            WorkOrdersLocalActions.saveSucceeded({
              id: draft.order.id,
              title: draft.order.title,
              isNew: draft.orderChanges === null,
              changed,
            }),
          ),
          catchError((error: unknown) =>
            of(WorkOrdersLocalActions.saveFailed({ message: writeError(error, 'saved') })),
          ),
        ),
      ),
    );
  },
  { functional: true },
);

// exhaustMap: a second tap on "Delete" while the question is open is ignored.
export const confirmDelete$ = createEffect(
  (actions$ = inject(Actions), dialog = inject(MatDialog)) => {
    return actions$.pipe(
      ofType(WorkOrderFormActions.deleteRequested),
      exhaustMap(({ id, title }) =>
        dialog
          .open<DeleteWorkOrderDialog, DeleteWorkOrderData, boolean>(DeleteWorkOrderDialog, {
            data: { title },
            autoFocus: 'first-tabbable',
          })
          .afterClosed()
          .pipe(
            map((confirmed) =>
              confirmed
                ? DeleteWorkOrderDialogActions.confirmed({ id, title })
                : DeleteWorkOrderDialogActions.cancelled(),
            ),
          ),
      ),
    );
  },
  { functional: true },
);

// concatMap: ordered writes, like the save.
export const delete$ = createEffect(
  (actions$ = inject(Actions), repository = inject(WorkOrderRepository)) => {
    return actions$.pipe(
      ofType(DeleteWorkOrderDialogActions.confirmed),
      concatMap(({ id, title }) =>
        repository.delete(id).pipe(
          map(() => WorkOrdersLocalActions.deleteSucceeded({ id, title })),
          catchError((error: unknown) =>
            of(WorkOrdersLocalActions.deleteFailed({ message: writeError(error, 'deleted') })),
          ),
        ),
      ),
    );
  },
  { functional: true },
);

/** Back to the list once the change is safely local; on failure the form keeps everything. */
export const backToList$ = createEffect(
  (actions$ = inject(Actions), router = inject(Router)) => {
    return actions$.pipe(
      ofType(WorkOrdersLocalActions.saveSucceeded, WorkOrdersLocalActions.deleteSucceeded),
      tap(() => void router.navigateByUrl('/work-orders')),
    );
  },
  { functional: true, dispatch: false },
);

export const notices$ = createEffect(
  (actions$ = inject(Actions), toastr = inject(ToastrService)) => {
    return actions$.pipe(
      ofType(
        WorkOrdersLocalActions.saveSucceeded,
        WorkOrdersLocalActions.saveFailed,
        WorkOrdersLocalActions.deleteSucceeded,
        WorkOrdersLocalActions.deleteFailed,
      ),
      tap((action) => {
        switch (action.type) {
          case WorkOrdersLocalActions.saveSucceeded.type:
            if (action.changed) toastr.success(`“${action.title}” saved. It syncs on its own.`);
            else toastr.info(`Nothing to save: “${action.title}” has no changes.`);
            break;
          case WorkOrdersLocalActions.deleteSucceeded.type:
            toastr.success(`“${action.title}” deleted.`);
            break;
          default:
            toastr.error(action.message, undefined, { timeOut: 10_000 });
        }
      }),
    );
  },
  { functional: true, dispatch: false },
);
