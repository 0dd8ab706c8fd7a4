import { SyncError } from '../../../sync';
import type { SyncEvent } from '../../../sync';
import {
  INITIAL_TIMELINE,
  reduceTimeline,
  TIMELINE_LIMIT,
  toTimelineEvent,
  type TimelineState,
} from './timeline';

const counts = { pushed: 2, rejected: 1, deadLettered: 0, pulled: 5, tables: [] };

const started = (runId: string, at: number): SyncEvent => ({
  type: 'runStarted',
  at,
  run: {
    runId,
    kind: 'repository',
    phase: 'waitingForLock',
    startedAt: at,
    tabId: 't1',
    scope: 'full',
    masterData: false,
    initialTables: [],
  },
});

/** Folds engine events the way the store does: through `toTimelineEvent`. */
function fold(events: readonly SyncEvent[], state: TimelineState = INITIAL_TIMELINE) {
  return events.reduce((acc, event) => {
    const plain = toTimelineEvent(event);
    return plain ? reduceTimeline(acc, plain) : acc;
  }, state);
}

describe('reduceTimeline', () => {
  it('builds one row per run: triggers, waits, phases with durations and counts, outcome', () => {
    const state = fold([
      { type: 'requestReceived', at: 1000, kind: 'repository' },
      { type: 'requestReceived', at: 1100, kind: 'repository' },
      { type: 'requestReceived', at: 1200, kind: 'manual' },
      started('t1#1', 1700),
      { type: 'lockWaiting', at: 1700, runId: 't1#1' },
      { type: 'lockAcquired', at: 1950, runId: 't1#1', waitedMs: 250 },
      { type: 'phaseStarted', at: 2000, runId: 't1#1', phase: 'push' },
      {
        type: 'phaseProgress',
        at: 2100,
        runId: 't1#1',
        progress: { phase: 'push', sent: 2, rejected: 1, deadLettered: 0 },
      },
      { type: 'phaseCompleted', at: 2150, runId: 't1#1', phase: 'push' },
      { type: 'phaseStarted', at: 2150, runId: 't1#1', phase: 'pull' },
      {
        type: 'phaseProgress',
        at: 2200,
        runId: 't1#1',
        progress: { phase: 'pull', table: 'workOrders', done: 3 },
      },
      {
        type: 'phaseProgress',
        at: 2300,
        runId: 't1#1',
        progress: { phase: 'pull', table: 'workOrders', done: 5, total: 5 },
      },
      { type: 'phaseCompleted', at: 2400, runId: 't1#1', phase: 'pull' },
      { type: 'lockReleased', at: 2400, runId: 't1#1' },
      {
        type: 'runCompleted',
        at: 2400,
        outcome: {
          status: 'succeeded',
          runId: 't1#1',
          kind: 'repository',
          scope: 'full',
          masterData: false,
          startedAt: 1700,
          finishedAt: 2400,
          counts,
        },
      },
    ]);

    expect(state.waiting).toEqual([]);
    expect(state.runs).toEqual([
      {
        runId: 't1#1',
        kind: 'repository',
        scope: 'full',
        masterData: false,
        startedAt: 1700,
        triggers: [
          { kind: 'repository', count: 2 },
          { kind: 'manual', count: 1 },
        ],
        requestCount: 3,
        queueWaitMs: 700,
        lockWaitMs: 250,
        phases: [
          {
            phase: 'push',
            startedAt: 2000,
            endedAt: 2150,
            sent: 2,
            rejected: 1,
            deadLettered: 0,
            tables: [],
          },
          {
            phase: 'pull',
            startedAt: 2150,
            endedAt: 2400,
            sent: 0,
            rejected: 0,
            deadLettered: 0,
            tables: [{ table: 'workOrders', done: 5, total: 5 }],
          },
        ],
        outcome: {
          status: 'succeeded',
          reason: null,
          errorKind: null,
          message: null,
          finishedAt: 2400,
          counts,
        },
        watchdogFired: false,
      },
    ]);
  });

  it('gives requests received during a run to the next run, newest run first', () => {
    const state = fold([
      { type: 'requestReceived', at: 0, kind: 'manual' },
      started('t1#1', 500),
      { type: 'requestReceived', at: 600, kind: 'background' },
      { type: 'requestReceived', at: 700, kind: 'repository' },
    ]);
    expect(state.waiting.map((r) => r.kind)).toEqual(['background', 'repository']);

    const next = fold([started('t1#2', 900)], state);

    expect(next.runs.map((run) => run.runId)).toEqual(['t1#2', 't1#1']);
    expect(next.runs[0]?.triggers).toEqual([
      { kind: 'background', count: 1 },
      { kind: 'repository', count: 1 },
    ]);
    expect(next.runs[0]?.queueWaitMs).toBe(300);
  });

  it('leaves skipped background requests out of every run', () => {
    const state = fold([
      { type: 'requestReceived', at: 0, kind: 'repository' },
      { type: 'requestReceived', at: 10, kind: 'background' },
      { type: 'backgroundSkipped', at: 10, blockedBy: 't1#0' },
      started('t1#1', 500),
    ]);
    expect(state.runs[0]?.triggers).toEqual([{ kind: 'repository', count: 1 }]);
  });

  it('records a failure as plain data and closes the failed phase', () => {
    const state = fold([
      started('t1#1', 0),
      { type: 'lockAcquired', at: 0, runId: 't1#1', waitedMs: 0 },
      { type: 'phaseStarted', at: 10, runId: 't1#1', phase: 'push' },
      { type: 'watchdogFired', at: 90, runId: 't1#1', afterMs: 80 },
      {
        type: 'runCompleted',
        at: 100,
        outcome: {
          status: 'failed',
          runId: 't1#1',
          kind: 'repository',
          scope: 'full',
          masterData: false,
          startedAt: 0,
          finishedAt: 100,
          counts,
          reason: 'push',
          error: SyncError.offline('no network'),
        },
      },
    ]);
    const [run] = state.runs;
    expect(run?.outcome).toEqual(
      jasmine.objectContaining({
        status: 'failed',
        reason: 'push',
        errorKind: 'offline',
        message: 'no network',
      }),
    );
    expect(run?.watchdogFired).toBeTrue();
    expect(run?.phases[0]?.endedAt).toBe(100);
    expect(run?.queueWaitMs).toBeNull();
  });

  it('ignores events of runs it never saw start, and events it does not read', () => {
    const before = fold([started('t1#1', 0)]);
    const after = fold(
      [
        { type: 'phaseStarted', at: 5, runId: 'other#9', phase: 'push' },
        { type: 'holdStarted', at: 6 },
        { type: 'lockReleased', at: 7, runId: 't1#1' },
      ],
      before,
    );
    expect(after).toEqual(before);
  });

  it(`keeps the newest ${TIMELINE_LIMIT} runs`, () => {
    const events = Array.from({ length: TIMELINE_LIMIT + 5 }, (_, i) => started(`t1#${i}`, i));
    const state = fold(events);
    expect(state.runs.length).toBe(TIMELINE_LIMIT);
    expect(state.runs[0]?.runId).toBe(`t1#${TIMELINE_LIMIT + 4}`);
  });
});
