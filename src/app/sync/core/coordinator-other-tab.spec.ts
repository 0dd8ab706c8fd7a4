import { filter, map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { createTestScheduler } from '../../../testing/test-scheduler';

import { createSyncTestbed, SyncTestbed } from '../testing';
import { SyncEvent } from './sync-state';

/**
 * The waits a user hears about, as letters: `q` a request queued behind this tab's run, `c` a run
 * whose requests start waiting for another tab's sync, `k` a run already queued here that then
 * waits for another tab too (no new wait for its requests), `+` a merge into the waiting request.
 */
function waits(bed: SyncTestbed) {
  return bed.coordinator.events$.pipe(
    map((event: SyncEvent) => {
      switch (event.type) {
        case 'requestQueued':
          return event.behind === 'run' ? 'q' : 'h';
        case 'requestMerged':
          return '+';
        case 'lockContended':
          return event.alreadyQueued ? 'k' : 'c';
        default:
          return null;
      }
    }),
    filter((letter) => letter !== null),
  );
}

describe('createSyncCoordinator: another tab holds the lock', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = createTestScheduler();
  });

  it('reports the wait for the other tab once, and runs when that tab lets go', () => {
    testScheduler.run(({ expectObservable }) => {
      const bed = createSyncTestbed(testScheduler);
      bed.otherTab(0, 3000);
      // m's run waits from 500 ms; r (1.5 s) queues behind it; r (2.2 s) merges into that one.
      const callers = bed.trigger('   m 999ms r 699ms r|');
      expectObservable(waits(bed)).toBe('500ms c 999ms q 699ms +');
      expectObservable(bed.phases$).toBe('3000ms U 99ms D 99ms U 99ms D');
      expectObservable(callers).toBe(' 3200ms S 199ms (SS|)');
      testScheduler.flush();
      expect(bed.phases.violations).toEqual([]);
      expect(bed.log.map((entry) => entry.message)).toContain(
        'lock held by another tab: waiting for its sync',
      );
    });
  });

  it('does not report a request queued behind this tab again when it then waits for another', () => {
    testScheduler.run(({ expectObservable }) => {
      const bed = createSyncTestbed(testScheduler, { pushDuration: 1000, pullDuration: 1000 });
      // The other tab asks at 2 s, behind run 1, and gets the lock when run 1 ends (2.5 s).
      bed.otherTab(2000, 1000);
      const callers = bed.trigger('   m 999ms r|');
      expectObservable(waits(bed)).toBe('1500ms q 999ms k');
      expectObservable(callers).toBe(' 2500ms S 2999ms (S|)');
    });
  });

  it('reports nothing about a lock that is free', () => {
    testScheduler.run(({ expectObservable }) => {
      const bed = createSyncTestbed(testScheduler);
      // The other tab's sync ended before this tab's run asks for the lock.
      bed.otherTab(0, 400);
      bed.trigger('m|');
      expectObservable(waits(bed)).toBe('');
    });
  });
});
