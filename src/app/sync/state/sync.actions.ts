import { createActionGroup, emptyProps, props } from '@ngrx/store';
import type { TableName } from '../../../../contract/tables';
import type { PhaseProgress, QueuedSnapshot, RunningSnapshot } from '../core';
import type { RunMarker } from '../lock/run-board';
import type { OutcomeSummary } from './outcome-summary';

/** What the engine reports; dispatched only by the bridge effects. */
export const SyncEngineActions = createActionGroup({
  source: 'Sync Engine',
  events: {
    Started: props<{ userId: string; missingTables: TableName[] }>(),
    'Start Failed': props<{ message: string }>(),
    Stopped: emptyProps(),
    /** A request has to wait behind a running run (once per queued request, not per merge). */
    'Request Queued': props<{ queued: QueuedSnapshot; behind: 'run' | 'hold' }>(),
    'Request Merged': props<{ queued: QueuedSnapshot }>(),
    'Run Started': props<{ run: RunningSnapshot }>(),
    'Phase Changed': props<{ runId: string; phase: RunningSnapshot['phase'] }>(),
    'Progress Reported': props<{ runId: string; progress: PhaseProgress }>(),
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
