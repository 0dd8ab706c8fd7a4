import { SyncEvent } from './sync-state';
import { SyncLogEntry } from './types';

/**
 * One log line per coordination event. Coordination problems are never shown to the user, so this
 * is where lock contention, skipped requests and failures become visible (diagnostics page).
 */
export function toLogEntry(event: SyncEvent, tabId: string): SyncLogEntry {
  const base = { time: event.at, tabId };
  switch (event.type) {
    case 'requestReceived':
      return {
        ...base,
        level: 'debug',
        kind: event.kind,
        message: `${event.kind} request received`,
      };
    case 'requestQueued':
      return {
        ...base,
        level: 'info',
        kind: event.queued.kind,
        message: `request queued behind the ${event.behind === 'run' ? 'running sync' : 'hold'}`,
        data: event.queued,
      };
    case 'requestMerged':
      return {
        ...base,
        level: 'debug',
        kind: event.queued.kind,
        message: `request merged into the queued one (${event.queued.requestCount} requests)`,
        data: event.queued,
      };
    case 'runStarted':
      return {
        ...base,
        level: 'info',
        runId: event.run.runId,
        kind: event.run.kind,
        message: `run started (${event.run.scope}${event.run.masterData ? ', master data' : ''})`,
        data: event.run,
      };
    case 'lockWaiting':
      return {
        ...base,
        level: 'debug',
        runId: event.runId,
        phase: 'lock',
        message: 'lock waiting',
      };
    case 'lockContended':
      return {
        ...base,
        level: 'info',
        runId: event.runId,
        phase: 'lock',
        message: 'lock held by another tab: waiting for its sync',
      };
    case 'lockAcquired':
      return {
        ...base,
        level: event.waitedMs > 0 ? 'info' : 'debug',
        runId: event.runId,
        phase: 'lock',
        message: `lock acquired after ${event.waitedMs} ms`,
      };
    case 'lockReleased':
      return {
        ...base,
        level: 'debug',
        runId: event.runId,
        phase: 'lock',
        message: 'lock released',
      };
    case 'phaseStarted':
    case 'phaseCompleted':
      return {
        ...base,
        level: 'debug',
        runId: event.runId,
        phase: event.phase,
        message: `${event.phase} ${event.type === 'phaseStarted' ? 'started' : 'completed'}`,
      };
    case 'phaseProgress':
      return {
        ...base,
        level: 'debug',
        runId: event.runId,
        phase: event.progress.phase,
        message: `${event.progress.phase} progress`,
        data: event.progress,
      };
    case 'runCompleted': {
      const { outcome } = event;
      const failed = outcome.status === 'failed';
      return {
        ...base,
        level: failed ? 'warn' : 'info',
        runId: outcome.runId,
        kind: outcome.kind,
        message: failed
          ? `run failed (${outcome.reason}: ${outcome.error.kind} ${outcome.error.message})`
          : 'run succeeded',
        data: outcome,
      };
    }
    case 'backgroundSkipped':
      return {
        ...base,
        level: 'info',
        kind: 'background',
        message: 'background sync skipped: initial sync in progress',
        data: { blockedBy: event.blockedBy },
      };
    case 'watchdogFired':
      return {
        ...base,
        level: 'error',
        runId: event.runId,
        message: `watchdog fired after ${event.afterMs} ms: run aborted, lock freed`,
      };
    case 'holdStarted':
      return { ...base, level: 'info', message: 'regular triggers held' };
    case 'holdEnded':
      return { ...base, level: 'info', message: 'hold ended' };
    case 'destroyed':
      return {
        ...base,
        level: 'info',
        message: `coordinator torn down; ${event.pendingCallers} waiting callers aborted`,
      };
  }
}
