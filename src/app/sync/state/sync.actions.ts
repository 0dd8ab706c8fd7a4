import { createActionGroup, emptyProps, props } from '@ngrx/store';
import type { TableName } from '../../../../contract/tables';
import type { QueuedSnapshot } from '../core';
import type { RunMarker } from '../lock/run-board';
import type { OutcomeSummary } from './outcome-summary';
import type { SyncStateSnapshot } from './sync-snapshot';

/** What the engine reports; dispatched only by the bridge effects. */
export const SyncEngineActions = createActionGroup({
  source: 'Sync Engine',
  events: {
    Started: props<{ userId: string; missingTables: TableName[] }>(),
    /** The engine could not be opened for the user (e.g. the local database failed to open). */
    'Start Failed': props<{ message: string }>(),
    Stopped: emptyProps(),
    /**
     * The coordinator's state changed: the one source of what runs, waits and happened last.
     * Reducers keep it as reported; they never re-derive it from the events below.
     */
    'State Changed': props<{ state: SyncStateSnapshot }>(),
    /** A request has to wait behind a running run (once per queued request, not per merge). */
    'Request Queued': props<{ queued: QueuedSnapshot; behind: 'run' | 'hold' }>(),
    /**
     * A request waits for another tab's sync (the Web Lock is held elsewhere): the same "queued"
     * notice as a wait in this tab, once per waiting request (not when it was already queued).
     */
    'Waiting For Other Tab': props<{ runId: string }>(),
    /** A run ended: for features that react to it (a notice), not to track state. */
    'Run Completed': props<{ outcome: OutcomeSummary }>(),
    'Counts Changed': props<{ pending: number; deadLetter: number }>(),
    /** The run any tab (this one included) holds the lock for, or null. */
    'Remote Run Changed': props<{ run: RunMarker | null }>(),
    'Connectivity Changed': props<{ online: boolean }>(),
  },
});

/** What the user asks for from the app bar's sync badge. */
export const SyncBadgeActions = createActionGroup({
  source: 'Sync Badge',
  events: {
    'Sync Requested': emptyProps(),
    'Master Data Resync Requested': emptyProps(),
  },
});
