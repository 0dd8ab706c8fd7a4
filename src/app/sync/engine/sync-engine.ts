import { DestroyRef, Injectable, inject } from '@angular/core';
import {
  BehaviorSubject,
  concatMap,
  defer,
  EMPTY,
  finalize,
  map,
  type Observable,
  of,
  subscribeOn,
  switchMap,
  tap,
  throwError,
} from 'rxjs';
import type { TableName } from '../../../../contract/tables';
import {
  createSyncCoordinator,
  INITIAL_SYNC_STATE,
  SyncError,
  type SyncCoordinator,
  type SyncEvent,
  type SyncLock,
  type SyncLogEntry,
  type SyncOutcome,
  type SyncState,
  type SyncTrigger,
} from '../core';
import { createBrowserLock } from '../lock/web-lock';
import { RunBoard } from '../lock/run-board';
import { SYNC_TABLE_REGISTRY, SYNC_TAB_ID, SyncLog, SyncStore } from '../local';
import { SYNC_BROWSER, SYNC_CONFIG, SYNC_LOG_TO_CONSOLE, SYNC_SCHEDULER } from '../sync.tokens';
import { SYNC_API } from '../transport/sync-transport';
import { pullPhase } from './pull-phase';
import { pushPhase } from './push-phase';

interface Session {
  readonly userId: string;
  readonly coordinator: SyncCoordinator;
}

/**
 * The Angular face of the sync engine: builds the pure coordinator (sync/core) for the logged-in
 * user on the real ports (phases over RxDB and HTTP, the cross-tab lock, the sync log), and
 * exposes its state and events. It holds no sync state of its own: that lives in the
 * coordinator's streams. NgRx effects bridge it to the store; nothing here subscribes.
 */
@Injectable({ providedIn: 'root' })
export class SyncEngine {
  private readonly store = inject(SyncStore);
  private readonly transport = inject(SYNC_API);
  private readonly registry = inject(SYNC_TABLE_REGISTRY);
  private readonly config = inject(SYNC_CONFIG);
  private readonly scheduler = inject(SYNC_SCHEDULER);
  private readonly syncLog = inject(SyncLog);
  private readonly logToConsole = inject(SYNC_LOG_TO_CONSOLE);
  private readonly browser = inject(SYNC_BROWSER);
  readonly tabId = inject(SYNC_TAB_ID);
  private readonly session = new BehaviorSubject<Session | null>(null);

  /** The coordinator's log sink: the persisted sync log, and the console in development. */
  private readonly log = (entry: SyncLogEntry): void => {
    this.syncLog.append(entry);
    if (this.logToConsole) console.info(`[sync] ${entry.message}`, entry);
  };

  /** Every tab's current run (this one's included), from the shared run note. */
  readonly runBoard = new RunBoard(
    this.browser.storage,
    this.browser.storageEvents,
    this.browser.locks,
    this.log,
    this.scheduler,
  );
  private readonly lock: SyncLock = announcing(
    createBrowserLock(this.browser.locks, this.scheduler, this.log),
    this.runBoard,
  );

  readonly state$: Observable<SyncState> = this.session.pipe(
    switchMap((session) => session?.coordinator.state$ ?? of(INITIAL_SYNC_STATE)),
  );
  readonly events$: Observable<SyncEvent> = this.session.pipe(
    switchMap((session) => session?.coordinator.events$ ?? EMPTY),
  );
  readonly pendingCount$ = this.store.pendingCount$;
  readonly deadLetterCount$ = this.store.deadLetterCount$;
  readonly localWrites$ = this.store.localWrites$;

  constructor() {
    inject(DestroyRef).onDestroy(() => this.stop());
  }

  /**
   * Gets ready for a login whose user is not known yet: opens the local data (the database and
   * its lazy storage code) without reading or wiping anything; `start()` does that once the
   * server says who logged in. It opens in a task of its own, after the caller's (a click on "Log
   * in"), so that task and its paint are not held up by the database's work.
   */
  prepare(): Observable<void> {
    return this.store.open().pipe(subscribeOn(this.scheduler));
  }

  /**
   * Opens the engine for `userId`. Another user's local data is wiped first (a shared kiosk never
   * shows one user's records to the next). Emits the tables this user has not initially synced.
   */
  start(userId: string): Observable<TableName[]> {
    return defer(() => {
      this.stop();
      return this.store.ensureOwner(userId);
    }).pipe(
      tap((wiped) => {
        if (wiped)
          this.log({
            time: this.scheduler.now(),
            level: 'info',
            message: 'Local data of the previous user wiped',
          });
      }),
      concatMap(() => this.store.completedInitialTables(userId)),
      map((completed) => {
        this.session.next({ userId, coordinator: this.createCoordinator(userId) });
        return this.registry.map((spec) => spec.name).filter((name) => !completed.includes(name));
      }),
    );
  }

  /** Ends the session's engine: the running run is torn down (lock freed), callers get an error. */
  stop(): void {
    const session = this.session.value;
    if (!session) return;
    this.session.next(null);
    session.coordinator.destroy();
  }

  /** One sync request; settles with the outcome of the run that covers it. */
  request(trigger: SyncTrigger): Observable<SyncOutcome> {
    return defer(() => {
      const session = this.session.value;
      return session
        ? session.coordinator.request(trigger)
        : throwError(() => SyncError.aborted('No user is logged in'));
    });
  }

  /** Holds regular runs for `ms` (the cooldown after the initial sync). */
  cooldown(ms: number): void {
    this.session.value?.coordinator.cooldown(ms);
  }

  /**
   * Holds regular runs until `release` emits (e.g. the browser is back online): requests made
   * meanwhile merge into one waiting request instead of failing one after another.
   */
  holdUntil(release: Observable<unknown>): void {
    this.session.value?.coordinator.holdUntil(release);
  }

  private createCoordinator(userId: string): SyncCoordinator {
    const { store, transport, registry, config } = this;
    return createSyncCoordinator(
      {
        phases: {
          push: (run) => pushPhase({ store, transport, batchSize: config.pushBatchSize }, run),
          pull: (run) =>
            pullPhase({ store, transport, registry, userId, pageSize: config.pullPageSize }, run),
        },
        lock: this.lock,
        log: this.log,
      },
      { tabId: this.tabId, debounceMs: config.debounceMs, watchdogMs: config.watchdogMs },
      this.scheduler,
    );
  }
}

/** Announces the lock holder on the run board while it holds the lock, for the other tabs. */
function announcing(lock: SyncLock, board: RunBoard): SyncLock {
  return {
    acquire: (holder, options) => {
      let announced = false;
      return lock.acquire(holder, options).pipe(
        tap(() => {
          announced = true;
          board.announce(holder);
        }),
        finalize(() => {
          if (announced) board.announce(null);
        }),
      );
    },
  };
}
