/**
 * The sync timeline: one row per run, folded from the engine's coordination events by a pure
 * reducer, so it can be tested without an engine and kept in the store.
 *
 * Which requests belong to a run: every request received since the previous run started. That is
 * what the coordinator does (queue depth 1, later requests merge into the waiting one), with one
 * exception the events can't tell apart: a regular request still in its debounce when an initial
 * sync starts is counted in the initial run, although it runs after it.
 */
import type { FailureReason, RunCounts, SyncEvent, SyncKind, SyncPhase } from '../../../sync';

/** Runs kept in memory; older ones are in the sync log. */
export const TIMELINE_LIMIT = 50;

/** A run's outcome as plain data (the engine's carries a `SyncError` instance). */
export interface TimelineOutcome {
  readonly status: 'succeeded' | 'failed';
  readonly reason: FailureReason | null;
  readonly errorKind: string | null;
  readonly message: string | null;
  readonly finishedAt: number;
  readonly counts: RunCounts;
}

/** The events the timeline reads, as plain, serialisable data (they travel in actions). */
export type TimelineEvent =
  | Extract<
      SyncEvent,
      {
        type:
          | 'requestReceived'
          | 'backgroundSkipped'
          | 'runStarted'
          | 'lockAcquired'
          | 'phaseStarted'
          | 'phaseProgress'
          | 'phaseCompleted'
          | 'watchdogFired';
      }
    >
  | {
      readonly type: 'runCompleted';
      readonly at: number;
      readonly outcome: TimelineOutcome & { readonly runId: string };
    };

export interface TriggerCount {
  readonly kind: SyncKind;
  readonly count: number;
}

export interface TableDone {
  readonly table: string;
  readonly done: number;
  readonly total?: number;
}

export interface TimelinePhase {
  readonly phase: SyncPhase;
  readonly startedAt: number;
  readonly endedAt: number | null;
  /** Push only: records sent, rejected, and dead-lettered by this push. */
  readonly sent: number;
  readonly rejected: number;
  readonly deadLettered: number;
  /** Pull only: records written per table. */
  readonly tables: readonly TableDone[];
}

export interface TimelineRun {
  readonly runId: string;
  readonly kind: SyncKind;
  readonly scope: 'pushOnly' | 'full';
  readonly masterData: boolean;
  readonly startedAt: number;
  /** Kinds of the requests merged into the run, in order of first arrival, with counts. */
  readonly triggers: readonly TriggerCount[];
  readonly requestCount: number;
  /** From the first request to the run's start (debounce and queue); null if none was seen. */
  readonly queueWaitMs: number | null;
  /** From `lockWaiting` to `lockAcquired`; null while it still waits (or never got it). */
  readonly lockWaitMs: number | null;
  readonly phases: readonly TimelinePhase[];
  readonly outcome: TimelineOutcome | null;
  readonly watchdogFired: boolean;
}

interface PendingRequest {
  readonly kind: SyncKind;
  readonly at: number;
}

export interface TimelineState {
  /** Newest first, at most `TIMELINE_LIMIT`. */
  readonly runs: readonly TimelineRun[];
  /** Requests received since the last run started: they belong to the next one. */
  readonly waiting: readonly PendingRequest[];
}

export const INITIAL_TIMELINE: TimelineState = { runs: [], waiting: [] };

/** The timeline's view of an engine event, or null for events it doesn't read. */
export function toTimelineEvent(event: SyncEvent): TimelineEvent | null {
  switch (event.type) {
    case 'runCompleted': {
      const { outcome } = event;
      const failed = outcome.status === 'failed';
      return {
        type: 'runCompleted',
        at: event.at,
        outcome: {
          runId: outcome.runId,
          status: outcome.status,
          reason: failed ? outcome.reason : null,
          errorKind: failed ? outcome.error.kind : null,
          message: failed ? outcome.error.message : null,
          finishedAt: outcome.finishedAt,
          counts: outcome.counts,
        },
      };
    }
    case 'requestReceived':
    case 'backgroundSkipped':
    case 'runStarted':
    case 'lockAcquired':
    case 'phaseStarted':
    case 'phaseProgress':
    case 'phaseCompleted':
    case 'watchdogFired':
      return event;
    default:
      return null;
  }
}

/** Pure: the timeline after one more event. */
export function reduceTimeline(state: TimelineState, event: TimelineEvent): TimelineState {
  switch (event.type) {
    case 'requestReceived':
      return { ...state, waiting: [...state.waiting, { kind: event.kind, at: event.at }] };
    case 'backgroundSkipped':
      // The request just received was answered at once: it joins no run.
      return { ...state, waiting: dropLast(state.waiting, 'background') };
    case 'runStarted':
      return {
        runs: [startRun(event, state.waiting), ...state.runs].slice(0, TIMELINE_LIMIT),
        waiting: [],
      };
    case 'lockAcquired':
      return updateRun(state, event.runId, (run) => ({ ...run, lockWaitMs: event.waitedMs }));
    case 'phaseStarted':
      return updateRun(state, event.runId, (run) => ({
        ...run,
        phases: [...run.phases, newPhase(event.phase, event.at)],
      }));
    case 'phaseProgress':
      return updateRun(state, event.runId, (run) =>
        updatePhase(run, event.progress.phase, (phase) => {
          const { progress } = event;
          if (progress.phase === 'push') {
            const { sent, rejected, deadLettered } = progress;
            return { ...phase, sent, rejected, deadLettered };
          }
          // Progress is cumulative per table: the latest snapshot replaces the previous one.
          const { table, done, total } = progress;
          const entry: TableDone = total === undefined ? { table, done } : { table, done, total };
          const at = phase.tables.findIndex((t) => t.table === table);
          const tables =
            at < 0 ? [...phase.tables, entry] : phase.tables.map((t, i) => (i === at ? entry : t));
          return { ...phase, tables };
        }),
      );
    case 'phaseCompleted':
      return updateRun(state, event.runId, (run) =>
        updatePhase(run, event.phase, (phase) => ({ ...phase, endedAt: event.at })),
      );
    case 'watchdogFired':
      return updateRun(state, event.runId, (run) => ({ ...run, watchdogFired: true }));
    case 'runCompleted': {
      const { runId, ...outcome } = event.outcome;
      return updateRun(state, runId, (run) => ({
        ...run,
        outcome,
        // A phase that failed never completed: it ended with the run.
        phases: run.phases.map((p) =>
          p.endedAt === null ? { ...p, endedAt: outcome.finishedAt } : p,
        ),
      }));
    }
  }
}

function startRun(
  event: Extract<TimelineEvent, { type: 'runStarted' }>,
  waiting: readonly PendingRequest[],
): TimelineRun {
  const { run } = event;
  const first = waiting.reduce<number | null>(
    (min, r) => (min === null ? r.at : Math.min(min, r.at)),
    null,
  );
  return {
    runId: run.runId,
    kind: run.kind,
    scope: run.scope,
    masterData: run.masterData,
    startedAt: run.startedAt,
    triggers: countKinds(waiting),
    requestCount: waiting.length,
    queueWaitMs: first === null ? null : run.startedAt - first,
    lockWaitMs: null,
    phases: [],
    outcome: null,
    watchdogFired: false,
  };
}

function countKinds(requests: readonly PendingRequest[]): TriggerCount[] {
  const counts = new Map<SyncKind, number>();
  for (const { kind } of requests) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  return [...counts].map(([kind, count]) => ({ kind, count }));
}

function dropLast(requests: readonly PendingRequest[], kind: SyncKind): PendingRequest[] {
  const at = requests.map((r) => r.kind).lastIndexOf(kind);
  return at < 0 ? [...requests] : requests.filter((_, i) => i !== at);
}

function newPhase(phase: SyncPhase, at: number): TimelinePhase {
  return { phase, startedAt: at, endedAt: null, sent: 0, rejected: 0, deadLettered: 0, tables: [] };
}

/** Events of a run the timeline never saw start (page opened mid-run) change nothing. */
function updateRun(
  state: TimelineState,
  runId: string,
  update: (run: TimelineRun) => TimelineRun,
): TimelineState {
  const at = state.runs.findIndex((run) => run.runId === runId);
  if (at < 0) return state;
  return { ...state, runs: state.runs.map((run, i) => (i === at ? update(run) : run)) };
}

function updatePhase(
  run: TimelineRun,
  phase: SyncPhase,
  update: (p: TimelinePhase) => TimelinePhase,
): TimelineRun {
  const at = run.phases.map((p) => p.phase).lastIndexOf(phase);
  if (at < 0) return run;
  return { ...run, phases: run.phases.map((p, i) => (i === at ? update(p) : p)) };
}
