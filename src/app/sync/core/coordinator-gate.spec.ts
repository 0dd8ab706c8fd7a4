import { filter, firstValueFrom, ignoreElements, map, Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { createTestScheduler } from '../../../testing/test-scheduler';

import { createSyncTestbed, SyncTestbed } from '../testing';
import { SyncError } from './sync-error';
import { SyncEvent, SyncEventType } from './sync-state';

/** Event types as marble letters, for the events a test cares about. */
function eventLetters(bed: SyncTestbed, letters: Partial<Record<SyncEventType, string>>) {
  return bed.coordinator.events$.pipe(
    map((event: SyncEvent) => letters[event.type]),
    filter((letter): letter is string => letter !== undefined),
  );
}

describe('createSyncCoordinator: initial sync, holds, watchdog and teardown', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = createTestScheduler();
  });

  it('runs an initial request at once, without the debounce, with its tables', () => {
    testScheduler.run(({ expectObservable }) => {
      const bed = createSyncTestbed(testScheduler, { initialTables: ['customers', 'parts'] });
      const callers = bed.trigger('       i|');
      expectObservable(callers).toBe('    200ms (S|)');
      expectObservable(bed.runs$).toBe('i');
      expectObservable(bed.phases$).toBe('U 99ms D');
      testScheduler.flush();
      expect(bed.phases.calls[0].context.initialTables).toEqual(['customers', 'parts']);
    });
  });

  it('emits requestQueued once per queued request, and requestMerged for the triggers after', () => {
    testScheduler.run(({ expectObservable }) => {
      const bed = createSyncTestbed(testScheduler, { pushDuration: 1000, pullDuration: 1000 });
      const queue = eventLetters(bed, { requestQueued: 'q', requestMerged: '+' });
      bed.trigger('                 m 999ms r 599ms r 599ms m|');
      // r queues behind run 1 (1.5 s), r merges (2.1 s), run 2 starts (2.5 s), m queues again.
      expectObservable(queue).toBe('1500ms q 599ms + 599ms q');
    });
  });

  it('tracks the running and the queued request in state$', () => {
    testScheduler.run(() => {
      const bed = createSyncTestbed(testScheduler, { pushDuration: 1000, pullDuration: 1000 });
      bed.trigger('m 999ms b 599ms r|');
      const seen: string[] = [];
      const look = () => {
        const { running, queued } = bed.coordinator.snapshot();
        seen.push(`${running?.kind}/${running?.phase} ${queued?.kind}/${queued?.requestCount}`);
      };
      [600, 1600, 2200, 2600, 4600].forEach((ms) => bed.at(ms, look));
      testScheduler.flush();
      expect(seen).toEqual([
        'manual/push undefined/undefined',
        'manual/pull background/1',
        'manual/pull repository/2',
        'repository/push undefined/undefined',
        'undefined/undefined undefined/undefined',
      ]);
    });
  });

  it('skips background requests (and logs it) while an initial sync runs or waits', () => {
    testScheduler.run(({ expectObservable }) => {
      const bed = createSyncTestbed(testScheduler, { pushDuration: 1000, pullDuration: 1000 });
      // i waits behind m's run from 1 s and runs at 2.5 s; b at 1.2 s and 3 s are skipped (K).
      const callers = bed.trigger('   m 999ms i 199ms b 1799ms b|');
      expectObservable(callers).toBe('1200ms K 1299ms S 499ms K 1499ms (S|)');
      const skipped = eventLetters(bed, { backgroundSkipped: 's' });
      expectObservable(skipped).toBe('1200ms s 1799ms s');
      testScheduler.flush();
      expect(bed.log.filter((e) => e.message.includes('skipped')).length).toBe(2);
    });
  });

  it('holds regular triggers during a cooldown, merged into one run when it ends', () => {
    testScheduler.run(({ expectObservable }) => {
      const bed = createSyncTestbed(testScheduler);
      // The initial-sync gate's move: a 5 s cooldown once the initial sync has completed.
      bed.coordinator.events$
        .pipe(filter((e) => e.type === 'runCompleted' && e.outcome.kind === 'initial'))
        .subscribe(() => bed.coordinator.cooldown(5000));
      const callers = bed.trigger('     i 999ms m 1999ms r 2999ms m|');
      expectObservable(callers).toBe('  200ms S 5199ms (SS) 1296ms (S|)');
      expectObservable(bed.runs$).toBe('i 5199ms m 1299ms m');
      const queue = eventLetters(bed, { requestQueued: 'q', requestMerged: '+' });
      expectObservable(queue).toBe('    1500ms q 1999ms +');
    });
  });

  it('does not hold an initial request', () => {
    testScheduler.run(({ expectObservable }) => {
      const bed = createSyncTestbed(testScheduler);
      bed.at(0, () => bed.coordinator.cooldown(5000));
      const callers = bed.trigger('     m 999ms i|');
      expectObservable(callers).toBe('  1200ms (SS|)');
      expectObservable(bed.runs$).toBe('1000ms i');
    });
  });

  it('aborts a stuck run with the watchdog, frees the lock, and runs the waiting request', () => {
    testScheduler.run(({ expectObservable }) => {
      const bed = createSyncTestbed(testScheduler, { watchdogMs: 10_000, hangingPushes: [1] });
      const run1 = eventLetters(bed, {
        watchdogFired: 'w',
        lockReleased: 'l',
        runCompleted: 'c',
        runStarted: 's',
        lockAcquired: 'a',
      });
      const callers = bed.trigger('         m 999ms r|');
      expectObservable(callers).toBe('      10500ms W 199ms (S|)');
      expectObservable(bed.outcomes$).toBe('10500ms W 199ms S');
      // The lock is free before the stuck run's end is announced, and before the next run takes it.
      expectObservable(run1).toBe('         500ms (sa) 9996ms (wlcsa) 193ms (lc)');
      testScheduler.flush();
      expect(bed.phases.calls[0].result).toBe('unsubscribed');
      expect(bed.lock.snapshot()).toEqual({ holder: null, waiting: [] });
      expect(bed.log.some((e) => e.level === 'error' && e.message.includes('watchdog'))).toBeTrue();
    });
  });

  it('settles every waiting caller with an aborted error on destroy, and frees the lock', () => {
    testScheduler.run(({ expectObservable }) => {
      const bed = createSyncTestbed(testScheduler, { pushDuration: 1000 });
      const afterwards: unknown[] = [];
      // m is running, r is still in the debounce window when the coordinator is destroyed.
      const callers = bed.trigger('   m 599ms r|');
      const stateEnds = bed.coordinator.state$.pipe(ignoreElements());
      expectObservable(callers).toBe('700ms (AA|)');
      expectObservable(stateEnds).toBe('700ms |');
      bed.at(700, () => bed.coordinator.destroy());
      bed.at(800, () =>
        bed.coordinator
          .request({ kind: 'manual' })
          .subscribe({ error: (e: unknown) => afterwards.push(e) }),
      );
      testScheduler.flush();
      expect(bed.lock.snapshot().holder).toBeNull();
      expect(bed.phases.calls[0].result).toBe('unsubscribed');
      expect(afterwards.length).toBe(1);
      expect((afterwards[0] as SyncError).kind).toBe('aborted');
    });
  });

  it('rejects a request awaited as a promise with an aborted error on destroy, never hanging', async () => {
    const bed = createSyncTestbed(new TestScheduler(() => undefined));
    const pending = firstValueFrom(bed.coordinator.request({ kind: 'manual' }));
    bed.coordinator.destroy();
    await expectAsync(pending).toBeRejectedWith(jasmine.objectContaining({ kind: 'aborted' }));
  });

  it('replays the outcome to a caller that subscribes late', () => {
    testScheduler.run(() => {
      const bed = createSyncTestbed(testScheduler);
      let outcome$: Observable<unknown> | undefined;
      bed.at(0, () => (outcome$ = bed.coordinator.request({ kind: 'manual' })));
      const late: unknown[] = [];
      bed.at(5000, () => outcome$?.subscribe((o) => late.push(o)));
      testScheduler.flush();
      expect(late.length).toBe(1);
    });
  });
});
