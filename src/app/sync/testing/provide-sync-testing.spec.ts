import { TestBed } from '@angular/core/testing';
import { provideMockActions } from '@ngrx/effects/testing';
import type { Action } from '@ngrx/store';
import { ToastrService } from 'ngx-toastr';
import { distinctUntilChanged, filter, map, merge, type Observable } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { runEffect } from '../../../testing/run-effect';
import { createTestScheduler } from '../../../testing/test-scheduler';
import { SyncEngine } from '../engine/sync-engine';
import { SyncBadgeActions } from '../state/sync.actions';
import { engineEvents$, engineState$, queuedNotice$ } from '../state/sync.effects';
import { badgeRequests$ } from '../state/sync-triggers.effects';
import { QUEUED_NOTICE } from '../state/sync-notices';
import { otherTabHolds } from './fake-sync-ports';
import { provideSyncTesting, TestSyncEngine } from './provide-sync-testing';

/**
 * Effects wired to the real coordinator in virtual time: the badge's taps go through the real
 * debounce and queue, and the toast effect reacts to what the coordinator really reports.
 */
describe('provideSyncTesting', () => {
  let scheduler: TestScheduler;
  let actions$: Observable<Action>;
  let toastr: jasmine.SpyObj<ToastrService>;

  beforeEach(() => {
    scheduler = createTestScheduler();
    toastr = jasmine.createSpyObj<ToastrService>('ToastrService', ['info']);
    TestBed.configureTestingModule({
      providers: [
        provideSyncTesting(scheduler, { pushDuration: 1500, pullDuration: 1500 }),
        provideMockActions(() => actions$),
        { provide: ToastrService, useValue: toastr },
      ],
    });
  });

  it('merges taps made during a run into one queued request: one toast, exactly two runs', () => {
    scheduler.run(({ hot, expectObservable }) => {
      const engine = TestBed.inject(SyncEngine) as unknown as TestSyncEngine;
      engine.start('u1').subscribe();
      // A tap at 0 starts a run at 500 ms (3 s long); three more taps, each its own request
      // after the debounce, arrive during it and merge into the one waiting request.
      const taps = hot('t 999ms t 599ms t 599ms t', { t: SyncBadgeActions.syncRequested() });
      const engineActions$ = runEffect(engineEvents$);
      actions$ = merge(taps, engineActions$);
      runEffect(badgeRequests$).subscribe();
      runEffect(queuedNotice$).subscribe();

      // A run starts when the engine's state names a new running run.
      const runStarts = runEffect(engineState$).pipe(
        map(({ state }) => state.running),
        distinctUntilChanged((a, b) => a?.runId === b?.runId),
        filter((running) => running !== null),
        map((running) => running.kind),
      );
      expectObservable(runStarts, '^ 10s !').toBe('500ms a 2999ms b', { a: 'manual', b: 'manual' });
    });
    expect(toastr.info).toHaveBeenCalledOnceWith(QUEUED_NOTICE);
  });

  it('shows the same toast, once, for a tap that waits for another tab’s sync', () => {
    scheduler.run(({ hot }) => {
      const engine = TestBed.inject(SyncEngine) as unknown as TestSyncEngine;
      engine.start('u1').subscribe();
      // Another tab syncs from 0 to 4 s; a double tap here runs at 500 ms and waits for it.
      otherTabHolds(engine.fakes.lock, scheduler, 0, 4000);
      const taps = hot('t 9ms t', { t: SyncBadgeActions.syncRequested() });
      actions$ = merge(taps, runEffect(engineEvents$));
      runEffect(badgeRequests$).subscribe();
      runEffect(queuedNotice$).subscribe();
    });
    expect(toastr.info).toHaveBeenCalledOnceWith(QUEUED_NOTICE);
    expect(TestBed.inject(TestSyncEngine).fakes.phases.calls[0].start).toBe(4000);
  });

  it('does not show it again when a request queued here then waits for another tab', () => {
    scheduler.run(({ hot }) => {
      const engine = TestBed.inject(SyncEngine) as unknown as TestSyncEngine;
      engine.start('u1').subscribe();
      // Run 1 goes from 500 ms to 3.5 s; the tap at 1 s queues behind it (the toast). Another
      // tab asks for the lock at 2 s, gets it when run 1 ends, so the queued run waits again.
      otherTabHolds(engine.fakes.lock, scheduler, 2000, 1000);
      const taps = hot('t 999ms t', { t: SyncBadgeActions.syncRequested() });
      actions$ = merge(taps, runEffect(engineEvents$));
      runEffect(badgeRequests$).subscribe();
      runEffect(queuedNotice$).subscribe();
    });
    expect(toastr.info).toHaveBeenCalledOnceWith(QUEUED_NOTICE);
    const runStarts = TestBed.inject(TestSyncEngine).fakes.phases.calls.map((call) => call.start);
    expect(runStarts).toEqual([500, 2000, 4500, 6000]);
  });
});
