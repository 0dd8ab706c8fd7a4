import { filter, map } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { createTestScheduler } from '../../../testing/test-scheduler';

import { createSyncTestbed } from '../testing';
import { SyncError } from './sync-error';
import { SyncEvent } from './sync-state';
import { SyncOutcome } from './types';

// Letters (see docs/testing.md): triggers m r b d i; runs$ uses the run's kind letter;
// phases$ U = push starts, D = pull starts; outcomes S succeeded, F failed, W watchdog, A aborted.
describe('createSyncCoordinator: runs and merging', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = createTestScheduler();
  });

  it('runs a single request after the 500 ms debounce: lock, push, then pull', () => {
    testScheduler.run(({ expectObservable }) => {
      const bed = createSyncTestbed(testScheduler);
      const callers = bed.trigger('         m|');
      expectObservable(callers).toBe('      700ms (S|)');
      expectObservable(bed.runs$).toBe('    500ms m');
      expectObservable(bed.phases$).toBe('  500ms U 99ms D');
      expectObservable(bed.outcomes$).toBe('700ms S');
    });
  });

  it('merges requests that arrive within the debounce window into one run', () => {
    testScheduler.run(({ expectObservable }) => {
      const bed = createSyncTestbed(testScheduler);
      const callers = bed.trigger('     m 200ms r 200ms b|');
      expectObservable(callers).toBe('  1102ms (SSS|)');
      expectObservable(bed.runs$).toBe('902ms m');
    });
  });

  it('runs ONE follow-up for all the requests that arrived during a run', () => {
    testScheduler.run(({ expectObservable }) => {
      const bed = createSyncTestbed(testScheduler, { pushDuration: 1000, pullDuration: 1000 });
      const callers = bed.trigger('     m 999ms r 199ms b 199ms r 399ms b|');
      expectObservable(callers).toBe('  2500ms S 1999ms (SSSS|)');
      expectObservable(bed.runs$).toBe('500ms  m 1999ms r');
    });
  });

  it('makes a request that arrives after the follow-up started wait for a third run', () => {
    testScheduler.run(({ expectObservable }) => {
      const bed = createSyncTestbed(testScheduler, { pushDuration: 1000, pullDuration: 1000 });
      const callers = bed.trigger('       m 999ms r 1599ms b|');
      expectObservable(callers).toBe('    2500ms S 1999ms S 999ms (S|)');
      expectObservable(bed.runs$).toBe('  500ms  m 1999ms r 1999ms b');
      expectObservable(bed.phases$).toBe('500ms U 999ms D 999ms U 999ms D 999ms U');
    });
  });

  it('starts the pull only once the push has completed', () => {
    testScheduler.run(({ expectObservable }) => {
      const bed = createSyncTestbed(testScheduler, { pushDuration: 300, pullDuration: 50 });
      bed.trigger('                       m|');
      expectObservable(bed.phases$).toBe('500ms U 299ms D');
      testScheduler.flush();
      const [push, pull] = bed.phases.calls;
      expect(pull.start).toBeGreaterThanOrEqual(push.end ?? Infinity);
      expect(bed.phases.violations).toEqual([]);
    });
  });

  it('skips the pull after a push transport failure and fails only that run’s callers', () => {
    testScheduler.run(({ expectObservable }) => {
      const bed = createSyncTestbed(testScheduler, {
        pushDuration: 1000,
        pullDuration: 1000,
        pushErrors: { 1: SyncError.offline() },
      });
      const callers = bed.trigger('         m 599ms r|');
      expectObservable(callers).toBe('      1500ms F 1999ms (S|)');
      expectObservable(bed.phases$).toBe('  500ms U 999ms U 999ms D');
      expectObservable(bed.outcomes$).toBe('1500ms F 1999ms S');
      testScheduler.flush();
      const failed = bed.coordinator.snapshot();
      expect(failed.running).toBeNull();
      expect(bed.phases.calls.map((c) => `${c.run}:${c.phase}:${c.result}`)).toEqual([
        '1:push:failed',
        '2:push:completed',
        '2:pull:completed',
      ]);
    });
  });

  it('reports a failure as an outcome value and keeps working for the next request', () => {
    testScheduler.run(({ expectObservable }) => {
      const bed = createSyncTestbed(testScheduler, { pullErrors: { 1: SyncError.http(503) } });
      const outcomes: SyncOutcome[] = [];
      bed.coordinator.events$
        .pipe(
          filter(
            (e): e is Extract<SyncEvent, { type: 'runCompleted' }> => e.type === 'runCompleted',
          ),
          map((e) => e.outcome),
        )
        .subscribe((outcome) => outcomes.push(outcome));
      const callers = bed.trigger('   m 999ms m|');
      expectObservable(callers).toBe('700ms F 999ms (S|)');
      testScheduler.flush();
      const [failure] = outcomes;
      expect(failure.status === 'failed' && failure.reason).toBe('pull');
      expect(failure.status === 'failed' && failure.error.transient).toBeTrue();
      expect(bed.coordinator.snapshot().lastOutcome?.status).toBe('succeeded');
    });
  });

  it('does not fail a run for record-level rejections, and counts them', () => {
    testScheduler.run(() => {
      const bed = createSyncTestbed(testScheduler, { pushRejected: 3, pushDeadLettered: 1 });
      bed.trigger('r|');
      testScheduler.flush();
      const outcome = bed.coordinator.snapshot().lastOutcome;
      expect(outcome?.status).toBe('succeeded');
      expect(outcome && 'counts' in outcome ? outcome.counts : null).toEqual({
        pushed: 1,
        rejected: 3,
        deadLettered: 1,
        pulled: 20,
        tables: [
          { table: 'customers', done: 10, total: 10 },
          { table: 'orders', done: 10, total: 10 },
        ],
      });
    });
  });

  it('runs a background request alone as push-only', () => {
    testScheduler.run(({ expectObservable }) => {
      const bed = createSyncTestbed(testScheduler);
      const callers = bed.trigger('       b|');
      expectObservable(callers).toBe('    600ms (S|)');
      expectObservable(bed.phases$).toBe('500ms U');
    });
  });

  it('merges the waiting request to the widest scope, strongest kind, and keeps master data', () => {
    testScheduler.run(({ expectObservable }) => {
      const bed = createSyncTestbed(testScheduler, { pushDuration: 1000, pullDuration: 1000 });
      // b queues (push-only); d and r (one debounced batch) merge in: master data, full scope.
      const callers = bed.trigger('     m 999ms b 599ms d 299ms r|');
      expectObservable(callers).toBe('  2500ms S 1999ms (SSS|)');
      expectObservable(bed.runs$).toBe('500ms m 1999ms d');
      testScheduler.flush();
      const followUp = bed.phases.calls[2].context;
      expect(followUp.kind).toBe('masterData');
      expect(followUp.scope).toBe('full');
      expect(followUp.masterData).toBeTrue();
    });
  });

  it('upgrades a queued background request to full when a repository request merges in', () => {
    testScheduler.run(({ expectObservable }) => {
      const bed = createSyncTestbed(testScheduler, { pushDuration: 1000, pullDuration: 1000 });
      bed.trigger('                       m 999ms b 599ms r|');
      expectObservable(bed.runs$).toBe('  500ms m 1999ms r');
      expectObservable(bed.phases$).toBe('500ms U 999ms D 999ms U 999ms D');
    });
  });
});
