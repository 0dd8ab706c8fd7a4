import {
  defer,
  mergeMap,
  Observable,
  of,
  SchedulerLike,
  switchMap,
  take,
  tap,
  throwError,
  timer,
  NEVER,
} from 'rxjs';

import {
  createInMemoryLock,
  InMemorySyncLock,
  LockHolder,
  PhaseProgress,
  RunContext,
  SyncError,
  SyncLock,
  SyncLogEntry,
  SyncPhase,
  SyncPhases,
  SyncPorts,
} from '../core';

/** A duration in virtual ms, fixed or per run number (1-based, in the order runs reach push). */
export type PerRun<T> = T | ((run: number) => T);

export interface FakePhasesConfig {
  /** Virtual ms a push takes. Default 100. */
  readonly pushDuration?: PerRun<number>;
  /** Virtual ms a pull takes. Default 100. */
  readonly pullDuration?: PerRun<number>;
  /** Run number → the error its push fails with (at the end of its duration). */
  readonly pushErrors?: Readonly<Record<number, SyncError>>;
  /** Run number → the error its pull fails with (at the end of its duration). */
  readonly pullErrors?: Readonly<Record<number, SyncError>>;
  /** Run numbers whose push never ends (the watchdog's business). */
  readonly hangingPushes?: readonly number[];
  /** Records each push rejects (record-level, not a failure) and of those, how many dead-letter. */
  readonly pushRejected?: number;
  readonly pushDeadLettered?: number;
  /** Tables a pull reports progress for. Default `['customers', 'orders']`. */
  readonly pullTables?: readonly string[];
}

/** One phase call as the fake saw it. `end` is unset while it runs. */
export interface PhaseCall {
  readonly run: number;
  readonly runId: string;
  readonly phase: SyncPhase;
  readonly context: RunContext;
  readonly start: number;
  end?: number;
  result?: 'completed' | 'failed' | 'unsubscribed';
}

export interface FakeSyncPhases extends SyncPhases {
  readonly calls: readonly PhaseCall[];
  /** Broken invariants seen while running: a phase outside the lock, or two runs at once. */
  readonly violations: readonly string[];
}

export interface FakeSyncPorts {
  readonly ports: SyncPorts;
  readonly phases: FakeSyncPhases;
  readonly lock: InMemorySyncLock;
  /** Every log entry the coordinator wrote. */
  readonly log: readonly SyncLogEntry[];
}

const valueFor = <T>(value: PerRun<T>, run: number): T =>
  typeof value === 'function' ? (value as (run: number) => T)(run) : value;

/**
 * Scriptable fake phases on the in-memory lock, all timed by `scheduler` (a `TestScheduler` in
 * marble tests). Framework-free on purpose: an Angular `provideSyncTesting()` can wrap it.
 */
export function createFakeSyncPorts(
  scheduler: SchedulerLike,
  config: FakePhasesConfig = {},
): FakeSyncPorts {
  const lock = createInMemoryLock(scheduler);
  const calls: PhaseCall[] = [];
  const violations: string[] = [];
  const log: SyncLogEntry[] = [];
  const runNumbers = new Map<string, number>();
  const active = new Set<PhaseCall>();
  const tables = config.pullTables ?? ['customers', 'orders'];

  const runNumberOf = (context: RunContext): number => {
    const known = runNumbers.get(context.runId);
    if (known !== undefined) return known;
    runNumbers.set(context.runId, runNumbers.size + 1);
    return runNumbers.size;
  };

  const phase = (
    name: SyncPhase,
    context: RunContext,
    body: (run: number) => Observable<PhaseProgress>,
  ): Observable<PhaseProgress> =>
    defer(() => {
      const run = runNumberOf(context);
      const call: PhaseCall = { run, runId: context.runId, phase: name, context, start: now() };
      const holder = lock.snapshot().holder;
      if (holder?.runId !== context.runId) {
        violations.push(`${name} of ${context.runId} ran while ${holder?.runId} held the lock`);
      }
      for (const other of active) {
        violations.push(`${name} of ${context.runId} overlapped ${other.phase} of ${other.runId}`);
      }
      calls.push(call);
      active.add(call);
      // Ends are recorded before they are forwarded: the next run may start in the same tick.
      const end = (result: NonNullable<PhaseCall['result']>) => () => {
        if (!active.delete(call)) return;
        call.end = now();
        call.result = result;
      };
      return body(run).pipe(
        tap({ complete: end('completed'), error: end('failed'), unsubscribe: end('unsubscribed') }),
      );
    });

  const now = () => scheduler.now();

  const after = (ms: number, error: SyncError | undefined, progress: PhaseProgress[]) =>
    timer(ms, scheduler).pipe(mergeMap(() => (error ? throwError(() => error) : of(...progress))));

  const phases: FakeSyncPhases = {
    calls,
    violations,
    push: (context) =>
      phase('push', context, (run) =>
        config.hangingPushes?.includes(run)
          ? NEVER
          : after(valueFor(config.pushDuration ?? 100, run), config.pushErrors?.[run], [
              {
                phase: 'push',
                sent: 1,
                rejected: config.pushRejected ?? 0,
                deadLettered: config.pushDeadLettered ?? 0,
              },
            ]),
      ),
    pull: (context) =>
      phase('pull', context, (run) =>
        after(
          valueFor(config.pullDuration ?? 100, run),
          config.pullErrors?.[run],
          tables.map((table) => ({ phase: 'pull', table, done: 10, total: 10 })),
        ),
      ),
  };

  return { ports: { phases, lock, log: (entry) => log.push(entry) }, phases, lock, log };
}

/**
 * Another tab's sync on a shared lock: at `at` (virtual ms from now) it asks for the lock,
 * waiting its turn, and holds it for `ms` once granted.
 */
export function otherTabHolds(
  lock: SyncLock,
  scheduler: SchedulerLike,
  at: number,
  ms: number,
): void {
  scheduler.schedule(() => {
    const holder: LockHolder = {
      runId: `other#${at}`,
      kind: 'manual',
      tabId: 'other',
      startedAt: scheduler.now(),
    };
    // take(1) ends the acquisition `ms` after the grant, which releases the lock.
    lock
      .acquire(holder)
      .pipe(
        switchMap(() => timer(ms, scheduler)),
        take(1),
      )
      .subscribe();
  }, at);
}
