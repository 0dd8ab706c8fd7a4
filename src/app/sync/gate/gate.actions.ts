import { createActionGroup, emptyProps, props } from '@ngrx/store';
import type { TableName } from '../../../../contract/tables';

/** The initial-sync gate's own events (the run's progress comes as Sync Engine actions). */
export const GateActions = createActionGroup({
  source: 'Initial Sync Gate',
  events: {
    /** Tables this user has not synced yet: the app is blocked until they are. */
    Opened: props<{ tables: TableName[] }>(),
    'Attempt Started': emptyProps(),
    Retrying: props<{ attempt: number; of: number; delayMs: number; message: string }>(),
    Completed: emptyProps(),
    /** Retries used up, or a failure no retry can fix. */
    Failed: props<{ message: string }>(),
  },
});

/** What the user does in the initial-sync dialog. */
export const GateDialogActions = createActionGroup({
  source: 'Initial Sync Dialog',
  events: {
    'Try Again': emptyProps(),
    'Cancel And Log Out': emptyProps(),
  },
});
