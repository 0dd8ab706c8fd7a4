import fc from 'fast-check';
import { TestScheduler } from 'rxjs/testing';

import { createSyncTestbed, TRIGGER_LETTERS, TriggerLetter } from '../testing';
import { SyncError } from './sync-error';
import { SyncEvent } from './sync-state';
import { SyncOutcome, SyncTrigger } from './types';

const MAX_REQUESTS = 12;

/** A random day in the life of the coordinator, in virtual ms. */
const scheduleArbitrary = fc.record({
  requests: fc.array(
    fc.record({
      gap: fc.integer({ min: 0, max: 1200 }),
      letter: fc.constantFrom<TriggerLetter>('m', 'r', 'b', 'd', 'i'),
    }),
    { minLength: 1, maxLength: MAX_REQUESTS },
  ),
  push: fc.array(fc.integer({ min: 0, max: 1500 }), { minLength: 1, maxLength: MAX_REQUESTS }),
  pull: fc.array(fc.integer({ min: 0, max: 1500 }), { minLength: 1, maxLength: MAX_REQUESTS }),
  // Run numbers (1-based) whose push or pull fails, or whose push hangs until the watchdog.
  pushFailures: fc.uniqueArray(fc.integer({ min: 1, max: MAX_REQUESTS }), { maxLength: 3 }),
  pullFailures: fc.uniqueArray(fc.integer({ min: 1, max: MAX_REQUESTS }), { maxLength: 3 }),
  hanging: fc.uniqueArray(fc.integer({ min: 1, max: MAX_REQUESTS }), { maxLength: 2 }),
  holds: fc.array(
    fc.record({ at: fc.integer({ min: 0, max: 10_000 }), ms: fc.integer({ min: 0, max: 4000 }) }),
    { maxLength: 2 },
  ),
  // Another tab's syncs on the same lock: asked for at `at`, held for `ms` once granted.
  otherTab: fc.array(
    fc.record({ at: fc.integer({ min: 0, max: 15_000 }), ms: fc.integer({ min: 0, max: 3000 }) }),
    { maxLength: 3 },
  ),
  destroyAt: fc.option(fc.integer({ min: 0, max: 20_000 }), { freq: 4 }),
});

type Schedule = typeof scheduleArbitrary extends fc.Arbitrary<infer S> ? S : never;

interface Caller {
  readonly letter: TriggerLetter;
  readonly arrival: number;
  readonly outcomes: SyncOutcome[];
  readonly errors: unknown[];
  completions: number;
}

function fail(message: string, detail?: unknown): never {
  throw new Error(`${message} ${detail === undefined ? '' : JSON.stringify(detail)}`);
}

const errorsFor = (runs: readonly number[], error: SyncError) =>
  Object.fromEntries(runs.map((run) => [run, error]));

/** Runs one schedule in a fresh virtual clock and checks the coordinator's invariants. */
function checkSchedule(schedule: Schedule): void {
  const testScheduler = new TestScheduler(() => undefined);
  testScheduler.run(() => {
    const bed = createSyncTestbed(testScheduler, {
      watchdogMs: 3000,
      pushDuration: (run) => schedule.push[(run - 1) % schedule.push.length],
      pullDuration: (run) => schedule.pull[(run - 1) % schedule.pull.length],
      pushErrors: errorsFor(schedule.pushFailures, SyncError.http(503)),
      pullErrors: errorsFor(schedule.pullFailures, SyncError.offline()),
      hangingPushes: schedule.hanging,
    });
    const events: SyncEvent[] = [];
    bed.coordinator.events$.subscribe((event) => events.push(event));
    const callers: Caller[] = [];

    let time = 0;
    for (const { gap, letter } of schedule.requests) {
      time += gap;
      bed.at(time, () => {
        const kind = TRIGGER_LETTERS[letter];
        const trigger: SyncTrigger = kind === 'initial' ? { kind, tables: ['t'] } : { kind };
        const caller: Caller = {
          letter,
          arrival: testScheduler.now(),
          outcomes: [],
          errors: [],
          completions: 0,
        };
        callers.push(caller);
        bed.coordinator.request(trigger).subscribe({
          next: (outcome) => caller.outcomes.push(outcome),
          error: (error: unknown) => caller.errors.push(error),
          complete: () => caller.completions++,
        });
      });
    }
    for (const { at, ms } of schedule.holds) bed.at(at, () => bed.coordinator.cooldown(ms));
    for (const { at, ms } of schedule.otherTab) bed.otherTab(at, ms);
    const destroyAt = schedule.destroyAt;
    if (destroyAt !== null) bed.at(destroyAt, () => bed.coordinator.destroy());
    testScheduler.flush();

    if (bed.phases.violations.length) fail('lock/phase invariant broken', bed.phases.violations);

    // Every caller settles exactly once: one outcome then complete, or (teardown) one abort.
    const startedAt = new Map<string, number>();
    for (const event of events) {
      if (event.type === 'runStarted') startedAt.set(event.run.runId, event.run.startedAt);
    }
    for (const caller of callers) {
      const settled = caller.outcomes.length + caller.errors.length;
      if (settled !== 1) fail('a caller settled other than once', caller);
      if (caller.outcomes.length !== caller.completions) fail('outcome without completion', caller);
      const [error] = caller.errors;
      if (error && !(error instanceof SyncError && error.kind === 'aborted'))
        fail('bad error', caller);
      if (error && destroyAt === null) fail('aborted without teardown', caller);
      const [outcome] = caller.outcomes;
      if (!outcome) continue;
      if (outcome.status === 'skipped') {
        if (caller.letter !== 'b') fail('only background requests are skipped', caller);
        continue;
      }
      // No request left uncovered: its run started at or after it arrived.
      const runStart = startedAt.get(outcome.runId);
      if (runStart === undefined || runStart < caller.arrival) fail('uncovered request', caller);
    }

    // Never two runs at once, and at most one request waiting at any time.
    let running: string | null = null;
    let queuedSinceLastStart = 0;
    for (const event of events) {
      if (event.type === 'runStarted') {
        if (running) fail('two runs at once', [running, event.run.runId]);
        running = event.run.runId;
        queuedSinceLastStart = 0;
      } else if (event.type === 'runCompleted') {
        running = null;
      } else if (event.type === 'requestQueued' && ++queuedSinceLastStart > 1) {
        fail('two requests waiting', event);
      }
    }
    if (startedAt.size > callers.length) fail('more runs than requests', startedAt.size);
    checkWaitsReported(events);

    if (destroyAt === null) {
      const state = bed.coordinator.snapshot();
      if (state.running || state.queued) fail('work left over', state);
    }
    if (bed.lock.snapshot().holder) fail('lock still held', bed.lock.snapshot());
  });
}

/**
 * A run that had to wait for another tab's lock reports it, and the requests of every run that
 * waited (behind this tab's run or another tab's) are reported exactly once: that is the
 * "queued" notice, once per waiting request whichever tab it waits for.
 */
function checkWaitsReported(events: readonly SyncEvent[]): void {
  const reports = new Map<string, number>();
  const waited = new Set<string>();
  let queuedForNext = 0;
  for (const event of events) {
    if (event.type === 'requestQueued' && event.behind === 'run') queuedForNext++;
    if (event.type === 'runStarted') {
      // Queue depth is 1: a request queued behind a run is the next run to start.
      reports.set(event.run.runId, queuedForNext);
      if (queuedForNext > 0) waited.add(event.run.runId);
      queuedForNext = 0;
    }
    if (event.type === 'lockContended') {
      waited.add(event.runId);
      if (!event.alreadyQueued) reports.set(event.runId, (reports.get(event.runId) ?? 0) + 1);
    }
    if (event.type === 'lockAcquired' && event.waitedMs > 0 && !waited.has(event.runId)) {
      fail('waited for another tab without saying so', event);
    }
  }
  for (const runId of waited) {
    if (reports.get(runId) !== 1)
      fail('a wait reported other than once', [runId, reports.get(runId)]);
  }
}

describe('createSyncCoordinator: properties over random schedules', () => {
  it('keeps its invariants for 1,000 random schedules', () => {
    // About 0.3 s in headless Chromium: far from Karma's 60 s silence limit.
    fc.assert(fc.property(scheduleArbitrary, checkSchedule), { numRuns: 1000 });
  });
});
