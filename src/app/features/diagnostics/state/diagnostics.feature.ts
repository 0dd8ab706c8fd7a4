import { createFeature, createReducer, createSelector, on } from '@ngrx/store';

import { INITIAL_TIMELINE, reduceTimeline, type TimelineState } from '../timeline/timeline';
import {
  DeadLetterActions,
  DeadLetterStoreActions,
  DiscardDialogActions,
  TimelineActions,
  type DeadLetterKey,
} from './diagnostics.actions';

export interface DiagnosticsState {
  readonly timeline: TimelineState;
  /** Dead letters with a resolution in flight (`table/id`), so their buttons are disabled. */
  readonly resolving: readonly string[];
}

export const initialDiagnosticsState: DiagnosticsState = {
  timeline: INITIAL_TIMELINE,
  resolving: [],
};

/** One key per record, across tables (ids are only unique within a table). */
export function deadLetterKey({ table, id }: DeadLetterKey): string {
  return `${table}/${id}`;
}

export const diagnosticsFeature = createFeature({
  name: 'diagnostics',
  reducer: createReducer(
    initialDiagnosticsState,
    on(TimelineActions.eventRecorded, (state, { event }): DiagnosticsState => ({
      ...state,
      timeline: reduceTimeline(state.timeline, event),
    })),
    on(
      DeadLetterActions.keepMineClicked,
      DeadLetterActions.useServerClicked,
      DeadLetterActions.retryClicked,
      DiscardDialogActions.discardConfirmed,
      (state, key): DiagnosticsState => ({
        ...state,
        resolving: [...state.resolving.filter((k) => k !== deadLetterKey(key)), deadLetterKey(key)],
      }),
    ),
    on(DeadLetterStoreActions.resolved, (state, { resolution }): DiagnosticsState => ({
      ...state,
      resolving: state.resolving.filter((k) => k !== deadLetterKey(resolution)),
    })),
    on(DeadLetterStoreActions.resolveFailed, (state, key): DiagnosticsState => ({
      ...state,
      resolving: state.resolving.filter((k) => k !== deadLetterKey(key)),
    })),
  ),
  extraSelectors: ({ selectTimeline }) => ({
    selectTimelineRuns: createSelector(selectTimeline, (timeline) => timeline.runs),
  }),
});

export const { selectResolving, selectTimelineRuns } = diagnosticsFeature;
