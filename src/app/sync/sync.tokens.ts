/**
 * Settings of the sync engine's Angular adapters, each an injection token with a default factory
 * (as Angular Material's `MAT_DIALOG_SCROLL_STRATEGY`), so the app needs no providers and tests
 * swap in a `TestScheduler` or shorter timings.
 */
import { InjectionToken } from '@angular/core';
import { asyncScheduler, type SchedulerLike } from 'rxjs';

/** The clock and timer of every time rule in the engine: debounce, timeouts, watchdog, backoff. */
export const SYNC_SCHEDULER = new InjectionToken<SchedulerLike>('SYNC_SCHEDULER', {
  providedIn: 'root',
  factory: () => asyncScheduler,
});

export interface SyncConfig {
  /** Quiet time before regular triggers start a run. */
  readonly debounceMs: number;
  /** A run (lock wait included) still going after this is aborted and its lock freed. */
  readonly watchdogMs: number;
  /** Each HTTP call of the sync protocol fails with a timeout after this. */
  readonly requestTimeoutMs: number;
  /** Records per pull request (the server caps it at 5,000). */
  readonly pullPageSize: number;
  /** Changes per push request (the server caps it at 500). */
  readonly pushBatchSize: number;
  /** Background push-only runs, every this many ms. */
  readonly backgroundIntervalMs: number;
}

export const DEFAULT_SYNC_CONFIG: SyncConfig = {
  debounceMs: 500,
  watchdogMs: 120_000,
  requestTimeoutMs: 30_000,
  pullPageSize: 1_000,
  pushBatchSize: 200,
  backgroundIntervalMs: 5 * 60_000,
};

export const SYNC_CONFIG = new InjectionToken<SyncConfig>('SYNC_CONFIG', {
  providedIn: 'root',
  factory: () => DEFAULT_SYNC_CONFIG,
});
