import { createActionGroup, props } from '@ngrx/store';

import type { DeadLetterChoice, DeadLetterResolution } from '../../../sync';
import type { TimelineEvent } from '../timeline/timeline';

export type { DeadLetterChoice };

export interface DeadLetterKey {
  readonly table: DeadLetterResolution['table'];
  readonly id: string;
}

/** The engine's coordination events the timeline reads; dispatched by the bridge effect only. */
export const TimelineActions = createActionGroup({
  source: 'Sync Timeline',
  events: {
    'Event Recorded': props<{ event: TimelineEvent }>(),
  },
});

/** What the user asks for on the dead-letters tab. */
export const DeadLetterActions = createActionGroup({
  source: 'Dead Letters',
  events: {
    'Keep Mine Clicked': props<DeadLetterKey>(),
    'Use Server Clicked': props<DeadLetterKey>(),
    'Retry Clicked': props<DeadLetterKey>(),
    /** Asks for confirmation first: discarding loses the local change for good. */
    'Discard Clicked': props<DeadLetterKey>(),
  },
});

export const DiscardDialogActions = createActionGroup({
  source: 'Discard Dialog',
  events: {
    'Discard Confirmed': props<DeadLetterKey>(),
  },
});

/** What the local store answered. */
export const DeadLetterStoreActions = createActionGroup({
  source: 'Dead Letter Store',
  events: {
    Resolved: props<{ choice: DeadLetterChoice; resolution: DeadLetterResolution }>(),
    'Resolve Failed': props<DeadLetterKey & { choice: DeadLetterChoice; message: string }>(),
  },
});
