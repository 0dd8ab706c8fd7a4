/**
 * Settings of the sync engine's Angular adapters, each an injection token with a default factory
 * (as Angular Material's `MAT_DIALOG_SCROLL_STRATEGY`), so the app needs no providers and tests
 * swap in a `TestScheduler` or shorter timings.
 */
import { InjectionToken } from '@angular/core';
import { asyncScheduler, filter, fromEvent, type Observable, type SchedulerLike } from 'rxjs';

/** The clock and timer of every time rule in the engine: debounce, timeouts, watchdog, backoff. */
export const SYNC_SCHEDULER = new InjectionToken<SchedulerLike>('SYNC_SCHEDULER', {
  providedIn: 'root',
  factory: () => asyncScheduler,
});

export interface SyncConfig {
  /** Quiet time before regular triggers start a run. */
  readonly debounceMs: number;
  /** A run (lock wait included) with no progress for this long is aborted and its lock freed. */
  readonly watchdogMs: number;
  /** Each HTTP call of the sync protocol fails with a timeout after this. */
  readonly requestTimeoutMs: number;
  /** Records per pull request (the server caps it at 5,000). */
  readonly pullPageSize: number;
  /** Changes per push request (the server caps it at 500). */
  readonly pushBatchSize: number;
  /** Background push-only runs, every this many ms. */
  readonly backgroundIntervalMs: number;
  /** Waits before each retry of a failed initial sync (3 retries: 4 attempts in all). */
  readonly initialRetryDelaysMs: readonly number[];
  /** After the initial sync, regular triggers are held this long (merged into one request). */
  readonly gateCooldownMs: number;
}

export const DEFAULT_SYNC_CONFIG: SyncConfig = {
  debounceMs: 500,
  watchdogMs: 120_000,
  requestTimeoutMs: 30_000,
  pullPageSize: 1_000,
  pushBatchSize: 200,
  backgroundIntervalMs: 5 * 60_000,
  initialRetryDelaysMs: [2_000, 5_000, 15_000],
  gateCooldownMs: 5_000,
};

export const SYNC_CONFIG = new InjectionToken<SyncConfig>('SYNC_CONFIG', {
  providedIn: 'root',
  factory: () => DEFAULT_SYNC_CONFIG,
});

/** Copies every sync log entry to the console: development builds only (see provideSync). */
export const SYNC_LOG_TO_CONSOLE = new InjectionToken<boolean>('SYNC_LOG_TO_CONSOLE', {
  providedIn: 'root',
  factory: () => false,
});

/**
 * What the engine and its effects use of the browser, so nothing else reads `window`, `document`
 * or `navigator` (ESLint enforces it) and specs give each engine a browser of their own.
 */
export interface SyncBrowser {
  /** Web Locks; undefined where the browser has none (the engine then locks in-tab only). */
  readonly locks: LockManager | undefined;
  /** Where the current run is noted for the other tabs. */
  readonly storage: Storage;
  /** The `storage` events other tabs cause. */
  readonly storageEvents: Observable<StorageEvent>;
  /** `navigator.onLine` now: `false` can be trusted, `true` only means "maybe". */
  readonly isOnline: () => boolean;
  /** The browser's `online` events. */
  readonly online$: Observable<unknown>;
  /** The browser's `offline` events. */
  readonly offline$: Observable<unknown>;
  /** The page going hidden (another tab, the app minimised, the screen locked). */
  readonly pageHidden$: Observable<unknown>;
}

export const SYNC_BROWSER = new InjectionToken<SyncBrowser>('SYNC_BROWSER', {
  providedIn: 'root',
  factory: () => ({
    locks: typeof navigator !== 'undefined' ? navigator.locks : undefined,
    storage: localStorage,
    storageEvents: fromEvent<StorageEvent>(window, 'storage'),
    isOnline: () => navigator.onLine,
    online$: fromEvent(window, 'online'),
    offline$: fromEvent(window, 'offline'),
    pageHidden$: fromEvent(document, 'visibilitychange').pipe(filter(() => document.hidden)),
  }),
});
