import { INITIAL_TIMELINE } from '../timeline/timeline';
import {
  DeadLetterActions,
  DeadLetterStoreActions,
  DiscardDialogActions,
  TimelineActions,
} from './diagnostics.actions';
import { diagnosticsFeature, initialDiagnosticsState } from './diagnostics.feature';

const { reducer } = diagnosticsFeature;
const key = { table: 'workOrders', id: 'w1' } as const;

describe('diagnostics feature', () => {
  it('marks a record as resolving from the click until the store answers', () => {
    const clicked = reducer(initialDiagnosticsState, DeadLetterActions.keepMineClicked(key));
    expect(clicked.resolving).toEqual(['workOrders/w1']);

    const twice = reducer(clicked, DeadLetterActions.retryClicked(key));
    expect(twice.resolving).toEqual(['workOrders/w1']);

    const done = reducer(
      twice,
      DeadLetterStoreActions.resolved({
        choice: 'keepMine',
        resolution: { ...key, result: 'pending', changeId: 'c2', deleted: false },
      }),
    );
    expect(done.resolving).toEqual([]);
  });

  it('clears the mark on failure, and only a confirmed discard sets it', () => {
    const asked = reducer(initialDiagnosticsState, DeadLetterActions.discardClicked(key));
    expect(asked).toBe(initialDiagnosticsState);

    const confirmed = reducer(asked, DiscardDialogActions.discardConfirmed(key));
    const failed = reducer(
      confirmed,
      DeadLetterStoreActions.resolveFailed({ ...key, choice: 'discard', message: 'gone' }),
    );
    expect(confirmed.resolving).toEqual(['workOrders/w1']);
    expect(failed.resolving).toEqual([]);
  });

  it('folds recorded events into the timeline', () => {
    const state = reducer(
      initialDiagnosticsState,
      TimelineActions.eventRecorded({
        event: { type: 'requestReceived', at: 5, kind: 'manual' },
      }),
    );
    expect(state.timeline).toEqual({ ...INITIAL_TIMELINE, waiting: [{ kind: 'manual', at: 5 }] });
    expect(diagnosticsFeature.selectTimelineRuns.projector(state.timeline)).toEqual([]);
  });
});
