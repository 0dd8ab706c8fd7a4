import {
  catchError,
  connectable,
  filter,
  map,
  mergeMap,
  Observable,
  of,
  ReplaySubject,
} from 'rxjs';
import { TestScheduler } from 'rxjs/testing';

import {
  createSyncCoordinator,
  SyncCoordinator,
  SyncEvent,
  SyncOutcome,
  SyncTrigger,
} from '../core';
import {
  createFakeSyncPorts,
  FakePhasesConfig,
  FakeSyncPorts,
  otherTabHolds,
} from './fake-sync-ports';

/** Trigger marble letters → the request they make (`i` uses the testbed's `initialTables`). */
export const TRIGGER_LETTERS = {
  m: 'manual',
  r: 'repository',
  b: 'background',
  d: 'masterData',
  i: 'initial',
} as const;

export type TriggerLetter = keyof typeof TRIGGER_LETTERS;

const KIND_LETTERS: Readonly<Record<SyncTrigger['kind'], TriggerLetter>> = {
  manual: 'm',
  repository: 'r',
  background: 'b',
  masterData: 'd',
  initial: 'i',
};

/** Phase marble letters: `U` a push (upload) starts, `D` a pull (download) starts. */
export const PHASE_LETTERS = { push: 'U', pull: 'D' } as const;

/**
 * Outcome marble letters: `S` succeeded, `F` failed in a phase or the lock, `W` failed by the
 * watchdog, `K` skipped (background during the initial sync), `A` aborted (teardown error).
 */
export function outcomeLetter(outcome: SyncOutcome): 'S' | 'F' | 'W' | 'K' {
  switch (outcome.status) {
    case 'succeeded':
      return 'S';
    case 'skipped':
      return 'K';
    case 'failed':
      return outcome.reason === 'watchdog' ? 'W' : 'F';
  }
}

export interface SyncTestbedConfig extends FakePhasesConfig {
  readonly tabId?: string;
  readonly debounceMs?: number;
  readonly watchdogMs?: number;
  /** Tables an `i` trigger asks for. Default `['customers']`. */
  readonly initialTables?: readonly string[];
}

export interface SyncTestbed extends FakeSyncPorts {
  readonly coordinator: SyncCoordinator;
  /**
   * Sends a request per letter of `marbles` (see `TRIGGER_LETTERS`) at its frame, from now on, and
   * returns the callers' outcomes as letters (see `outcomeLetter`), each at the frame it settled;
   * it completes once the marble completed and every caller settled.
   */
  trigger(marbles: string): Observable<string>;
  /** The kind letter of each run, when it starts. */
  readonly runs$: Observable<string>;
  /** `U` when a push starts, `D` when a pull starts. */
  readonly phases$: Observable<string>;
  /** The outcome letter of each run, when it completes. */
  readonly outcomes$: Observable<string>;
  /** Calls `action` at virtual time `ms` (from the start of the `run` callback). */
  at(ms: number, action: () => void): void;
  /**
   * Another tab's sync on the same lock: at virtual time `at` it asks for the lock (waiting its
   * turn, first come first served) and holds it for `ms` once granted.
   */
  otherTab(at: number, ms: number): void;
}

/**
 * A coordinator on fake ports for marble tests. Call it inside `testScheduler.run(...)`, so that
 * marbles take time progression (`500ms`) and every timer runs in virtual time.
 *
 * ```ts
 * testScheduler.run(({ expectObservable }) => {
 *   const bed = createSyncTestbed(testScheduler, { pushDuration: 100, pullDuration: 100 });
 *   expectObservable(bed.trigger('m')).toBe('700ms S');
 *   expectObservable(bed.phases$).toBe('500ms U 99ms D');
 * });
 * ```
 */
export function createSyncTestbed(
  testScheduler: TestScheduler,
  config: SyncTestbedConfig = {},
): SyncTestbed {
  const fakes = createFakeSyncPorts(testScheduler, config);
  const coordinator = createSyncCoordinator(
    fakes.ports,
    {
      tabId: config.tabId ?? 'tab',
      debounceMs: config.debounceMs,
      watchdogMs: config.watchdogMs,
    },
    testScheduler,
  );
  const initialTables = config.initialTables ?? ['customers'];

  const triggerFor = (letter: string): SyncTrigger => {
    if (!(letter in TRIGGER_LETTERS)) throw new Error(`unknown trigger letter '${letter}'`);
    const kind = TRIGGER_LETTERS[letter as TriggerLetter];
    return kind === 'initial' ? { kind, tables: initialTables } : { kind };
  };

  const eventsOf = <K extends SyncEvent['type']>(type: K) =>
    coordinator.events$.pipe(
      filter((event): event is Extract<SyncEvent, { type: K }> => event.type === type),
    );

  return {
    ...fakes,
    coordinator,
    trigger: (marbles) => {
      // Checked up front: a typo would otherwise only surface as a silent error in `outcomes`.
      TestScheduler.parseMarbles(marbles, undefined, undefined, undefined, true).forEach(
        ({ notification }) => notification.kind === 'N' && triggerFor(String(notification.value)),
      );
      const outcomes = connectable(
        testScheduler.createHotObservable(marbles).pipe(
          mergeMap((letter) =>
            coordinator.request(triggerFor(letter)).pipe(
              map(outcomeLetter),
              // Teardown errors every waiting caller; as a letter, it can sit beside the others.
              catchError(() => of('A')),
            ),
          ),
        ),
        { connector: () => new ReplaySubject<string>(Infinity), resetOnDisconnect: false },
      );
      // Connected now, not on subscription, so requests are sent even if nobody asserts on them.
      outcomes.connect();
      return outcomes;
    },
    runs$: eventsOf('runStarted').pipe(map(({ run }) => KIND_LETTERS[run.kind])),
    phases$: eventsOf('phaseStarted').pipe(map(({ phase }) => PHASE_LETTERS[phase])),
    outcomes$: eventsOf('runCompleted').pipe(map(({ outcome }) => outcomeLetter(outcome))),
    at: (ms, action) => {
      testScheduler.schedule(action, ms);
    },
    otherTab: (at, ms) => otherTabHolds(fakes.lock, testScheduler, at, ms),
  };
}
