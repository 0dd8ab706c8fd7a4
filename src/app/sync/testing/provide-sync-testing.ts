import type { Provider } from '@angular/core';
import { BehaviorSubject, EMPTY, type Observable, of, Subject, switchMap, throwError } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import type { TableName } from '../../../../contract/tables';
import {
  createSyncCoordinator,
  INITIAL_SYNC_STATE,
  SyncError,
  type SyncCoordinator,
  type SyncOutcome,
  type SyncTrigger,
} from '../core';
import { SyncEngine } from '../engine/sync-engine';
import type { LocalWrite } from '../local';
import type { RunMarker } from '../lock/run-board';
import { SYNC_SCHEDULER } from '../sync.tokens';
import { createFakeSyncPorts, type FakePhasesConfig, type FakeSyncPorts } from './fake-sync-ports';

export interface SyncTestingOptions extends FakePhasesConfig {
  /** The tables `start()` reports as missing (the initial-sync gate's work). Default none. */
  readonly missingTables?: readonly TableName[];
  readonly debounceMs?: number;
  readonly watchdogMs?: number;
}

/**
 * The engine as effects and components see it, on the REAL coordinator with fake phases and the
 * in-memory lock, all on a `TestScheduler`: a spec drives actions in virtual time and watches
 * real queueing, merging and outcomes, with no RxDB, HTTP or Web Locks.
 */
export class TestSyncEngine {
  readonly tabId = 'tab-test';
  readonly fakes: FakeSyncPorts;
  /** Push local writes here to fire the repository trigger. */
  readonly localWrites = new Subject<LocalWrite>();
  readonly pendingCount = new BehaviorSubject(0);
  readonly deadLetterCount = new BehaviorSubject(0);
  readonly runBoard = { current$: new BehaviorSubject<RunMarker | null>(null) };
  private readonly session = new BehaviorSubject<SyncCoordinator | null>(null);

  readonly state$ = this.session.pipe(switchMap((c) => c?.state$ ?? of(INITIAL_SYNC_STATE)));
  readonly events$ = this.session.pipe(switchMap((c) => c?.events$ ?? EMPTY));
  readonly pendingCount$ = this.pendingCount.asObservable();
  readonly deadLetterCount$ = this.deadLetterCount.asObservable();
  readonly localWrites$ = this.localWrites.asObservable();

  constructor(
    private readonly scheduler: TestScheduler,
    private readonly options: SyncTestingOptions = {},
  ) {
    this.fakes = createFakeSyncPorts(scheduler, options);
  }

  start(_userId: string): Observable<TableName[]> {
    this.stop();
    this.session.next(
      createSyncCoordinator(
        this.fakes.ports,
        {
          tabId: this.tabId,
          debounceMs: this.options.debounceMs,
          watchdogMs: this.options.watchdogMs,
        },
        this.scheduler,
      ),
    );
    return of([...(this.options.missingTables ?? [])]);
  }

  stop(): void {
    this.session.value?.destroy();
    this.session.next(null);
  }

  request(trigger: SyncTrigger): Observable<SyncOutcome> {
    const coordinator = this.session.value;
    return coordinator
      ? coordinator.request(trigger)
      : throwError(() => SyncError.aborted('No user is logged in'));
  }

  cooldown(ms: number): void {
    this.session.value?.cooldown(ms);
  }

  holdUntil(release: Observable<unknown>): void {
    this.session.value?.holdUntil(release);
  }
}

/**
 * Providers for specs of effects and components around the engine: `SyncEngine` is a
 * `TestSyncEngine` on `scheduler`, and every time rule of the adapters (`SYNC_SCHEDULER`) runs on
 * the same virtual clock. Inject `SyncEngine` and cast to `TestSyncEngine` to script it.
 */
export function provideSyncTesting(
  scheduler: TestScheduler,
  options: SyncTestingOptions = {},
): Provider[] {
  return [
    { provide: SYNC_SCHEDULER, useValue: scheduler },
    { provide: TestSyncEngine, useFactory: () => new TestSyncEngine(scheduler, options) },
    { provide: SyncEngine, useExisting: TestSyncEngine },
  ];
}
