import { inject } from '@angular/core';
import { Actions, createEffect, ofType } from '@ngrx/effects';
import { ToastrService } from 'ngx-toastr';
import { filter, tap } from 'rxjs';
import { SyncEngineActions } from '../../sync';

/**
 * Tells how a master-data re-sync ended: it can take a while, and the badge alone does not say
 * that the customers and products lists were refreshed. Skipped runs (e.g. during the initial
 * sync) say nothing: the request is not lost, the initial sync brings the same data.
 */
export const resyncNotice$ = createEffect(
  (actions$ = inject(Actions), toastr = inject(ToastrService)) => {
    return actions$.pipe(
      ofType(SyncEngineActions.runCompleted),
      filter(({ outcome }) => outcome.kind === 'masterData' && outcome.status !== 'skipped'),
      tap(({ outcome }) => {
        if (outcome.status === 'succeeded') {
          toastr.success('Customers and products were downloaded again.');
        } else {
          toastr.error(
            `Re-syncing master data failed${outcome.message ? `: ${outcome.message}` : ''}. ` +
              'The lists keep their last data; try again later.',
            undefined,
            { timeOut: 10_000 },
          );
        }
      }),
    );
  },
  { functional: true, dispatch: false },
);
