import { inject } from '@angular/core';
import { MatDialog } from '@angular/material/dialog';
import { Actions, createEffect, ofType } from '@ngrx/effects';
import { ToastrService } from 'ngx-toastr';
import { catchError, exhaustMap, filter, map, mergeMap, of, tap } from 'rxjs';

import { DeadLetterResolver, SyncEngine } from '../../../sync';
import { DiscardDialog } from '../dead-letters/discard-dialog';
import { toTimelineEvent } from '../timeline/timeline';
import {
  DeadLetterActions,
  DeadLetterStoreActions,
  DiscardDialogActions,
  TimelineActions,
  type DeadLetterChoice,
  type DeadLetterKey,
} from './diagnostics.actions';
import { resolvedNotice, RESOLVE_FAILED_TITLE } from './diagnostics-notices';

/** The engine's coordination events, as the timeline reads them. */
export const timelineEvents$ = createEffect(
  (engine = inject(SyncEngine)) => {
    return engine.events$.pipe(
      map(toTimelineEvent),
      filter((event) => event !== null),
      map((event) => TimelineActions.eventRecorded({ event })),
    );
  },
  { functional: true },
);

/** Discarding loses the local change for good: ask first. */
export const confirmDiscard$ = createEffect(
  (actions$ = inject(Actions), dialog = inject(MatDialog)) => {
    return actions$.pipe(
      ofType(DeadLetterActions.discardClicked),
      // exhaustMap: one confirmation at a time; clicks while it is open are ignored.
      exhaustMap(({ table, id }) =>
        dialog
          .open<DiscardDialog, DeadLetterKey, boolean>(DiscardDialog, { data: { table, id } })
          .afterClosed()
          .pipe(
            filter((confirmed) => confirmed === true),
            map(() => DiscardDialogActions.discardConfirmed({ table, id })),
          ),
      ),
    );
  },
  { functional: true },
);

/**
 * Each click goes to the engine's resolver, which fetches the server's current version first
 * (rule 6: never the copy kept with the dead letter) and fails with a readable message, having
 * changed nothing, when the server can't be reached.
 */
export const resolveDeadLetter$ = createEffect(
  (actions$ = inject(Actions), resolver = inject(DeadLetterResolver)) => {
    return actions$.pipe(
      ofType(
        DeadLetterActions.keepMineClicked,
        DeadLetterActions.useServerClicked,
        DeadLetterActions.retryClicked,
        DiscardDialogActions.discardConfirmed,
      ),
      // mergeMap: each resolution is one fetch and one atomic write of its own record, so
      // resolutions of different records are independent; a repeat on the same record is
      // refused by the store.
      mergeMap((action) => {
        const choice = choiceOf(action.type);
        const key: DeadLetterKey = { table: action.table, id: action.id };
        return resolver.resolve(choice, key.table, key.id).pipe(
          map((resolution) => DeadLetterStoreActions.resolved({ choice, resolution })),
          catchError((error: unknown) =>
            of(DeadLetterStoreActions.resolveFailed({ ...key, choice, message: messageOf(error) })),
          ),
        );
      }),
    );
  },
  { functional: true },
);

export const resolutionNotices$ = createEffect(
  (actions$ = inject(Actions), toastr = inject(ToastrService)) => {
    return actions$.pipe(
      ofType(DeadLetterStoreActions.resolved, DeadLetterStoreActions.resolveFailed),
      tap((action) => {
        if (action.type === DeadLetterStoreActions.resolved.type) {
          toastr.success(resolvedNotice(action.choice, action.resolution));
        } else {
          toastr.error(action.message, RESOLVE_FAILED_TITLE);
        }
      }),
    );
  },
  { functional: true, dispatch: false },
);

function choiceOf(type: string): DeadLetterChoice {
  switch (type) {
    case DeadLetterActions.keepMineClicked.type:
      return 'keepMine';
    case DeadLetterActions.useServerClicked.type:
      return 'useServer';
    case DeadLetterActions.retryClicked.type:
      return 'retry';
    default:
      return 'discard';
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
