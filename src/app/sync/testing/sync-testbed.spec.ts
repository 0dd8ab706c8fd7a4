import type { TestScheduler } from 'rxjs/testing';
import { createTestScheduler } from '../../../testing/test-scheduler';

import { SyncError, SyncOutcome } from '../core';
import { createSyncTestbed, outcomeLetter } from './sync-testbed';

describe('createSyncTestbed', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = createTestScheduler();
  });

  it('scripts phase durations per run and records every phase call', () => {
    testScheduler.run(({ expectObservable }) => {
      const bed = createSyncTestbed(testScheduler, {
        pushDuration: (run) => run * 100,
        pullDuration: 0,
      });
      const callers = bed.trigger('   m 999ms r|');
      expectObservable(callers).toBe('600ms S 1099ms (S|)');
      testScheduler.flush();
      expect(bed.phases.calls.map((c) => [c.run, c.phase, c.start, c.end])).toEqual([
        [1, 'push', 500, 600],
        [1, 'pull', 600, 600],
        [2, 'push', 1500, 1700],
        [2, 'pull', 1700, 1700],
      ]);
      expect(bed.phases.violations).toEqual([]);
    });
  });

  it('fails the scripted phases with the given errors', () => {
    testScheduler.run(({ expectObservable }) => {
      const bed = createSyncTestbed(testScheduler, { pushErrors: { 2: SyncError.http(500) } });
      const callers = bed.trigger('   r 999ms r 999ms r|');
      expectObservable(callers).toBe('700ms S 899ms F 1099ms (S|)');
    });
  });

  it('logs every coordination event through the fake log sink', () => {
    testScheduler.run(() => {
      const bed = createSyncTestbed(testScheduler);
      bed.trigger('m|');
      testScheduler.flush();
      expect(bed.log.map((e) => e.message)).toEqual([
        'manual request received',
        'run started (full)',
        'lock waiting',
        'lock acquired after 0 ms',
        'push started',
        'push progress',
        'push completed',
        'pull started',
        'pull progress',
        'pull progress',
        'pull completed',
        'lock released',
        'run succeeded',
      ]);
    });
  });

  it('rejects letters it does not know', () => {
    testScheduler.run(() => {
      const bed = createSyncTestbed(testScheduler);
      expect(() => bed.trigger('m 1s z')).toThrowError(/unknown trigger letter 'z'/);
    });
  });

  it('maps skipped outcomes to K', () => {
    const skipped: SyncOutcome = {
      status: 'skipped',
      kind: 'background',
      reason: 'initialSyncInProgress',
      at: 0,
    };
    expect(outcomeLetter(skipped)).toBe('K');
  });

  // Kept identical to the worked example in docs/testing.md, so the docs can't go stale.
  it('runs the docs/testing.md worked example', () => {
    testScheduler.run(({ expectObservable }) => {
      const bed = createSyncTestbed(testScheduler, {
        pushDuration: 1000,
        pullDuration: 1000,
        pushErrors: { 1: SyncError.offline() },
      });
      const callers = bed.trigger('   m 599ms b 199ms r|');
      expectObservable(callers).toBe('1500ms F 1999ms (SS|)');
      expectObservable(bed.runs$).toBe('500ms m 999ms r');
      expectObservable(bed.phases$).toBe('500ms U 999ms U 999ms D');
      testScheduler.flush();
      expect(bed.phases.violations).toEqual([]);
    });
  });
});
