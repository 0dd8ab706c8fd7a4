import { TestBed } from '@angular/core/testing';
import { EMPTY } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { runEffect } from '../../../testing/run-effect';
import { createTestScheduler } from '../../../testing/test-scheduler';
import {
  createInMemoryLock,
  createSyncCoordinator,
  type PhaseProgress,
  type SyncCoordinator,
} from '../core';
import { SyncEngine } from '../engine/sync-engine';
import { GateActions } from '../gate/gate.actions';
import { gateFeature, initialGateState, selectGateView } from '../gate/gate.feature';
import {
  initialSyncFeatureState,
  selectLastOutcome,
  selectProgress,
  selectQueued,
  selectRunning,
  syncFeature,
} from './sync.feature';
import { engineState$ } from './sync.effects';

/**
 * The coordinator's state is the one source: the store keeps what the engine reports and the gate
 * adds each run's progress with the engine's own fold, so the badge, the dialog and the run's
 * counts can never tell different stories.
 */
describe('the store and the coordinator', () => {
  let scheduler: TestScheduler;

  beforeEach(() => (scheduler = createTestScheduler()));

  /** Each pull reports customers, products, then customers again (pages interleave). */
  const PULL_REPORTS: Record<string, PhaseProgress> = {
    a: { phase: 'pull', table: 'customers', done: 500, total: 1000 },
    b: { phase: 'pull', table: 'products', done: 300, total: 300 },
    c: { phase: 'pull', table: 'customers', done: 1000, total: 1000 },
  };

  it('shows exactly the coordinator’s run, queue and progress, and the run’s own counts', () => {
    scheduler.run(({ cold }) => {
      const coordinator: SyncCoordinator = createSyncCoordinator(
        {
          phases: {
            push: () => EMPTY,
            pull: () => cold('1s a 999ms b 999ms c|', PULL_REPORTS),
          },
          lock: createInMemoryLock(scheduler),
        },
        { tabId: 'tab-a', debounceMs: 0 },
        scheduler,
      );
      TestBed.configureTestingModule({
        providers: [{ provide: SyncEngine, useValue: { state$: coordinator.state$ } }],
      });
      let sync = initialSyncFeatureState;
      let gate = gateFeature.reducer(
        initialGateState,
        GateActions.opened({ tables: ['customers', 'products'] }),
      );
      runEffect(engineState$).subscribe((action) => {
        sync = syncFeature.reducer(sync, action);
        gate = gateFeature.reducer(gate, action);
      });
      const root = () => ({ [syncFeature.name]: sync, [gateFeature.name]: gate });
      const mismatches: string[] = [];
      const compare = (at: number) => () => {
        const engine = coordinator.snapshot();
        if (selectRunning(root()) !== engine.running) mismatches.push(`running at ${at}`);
        if (selectQueued(root()) !== engine.queued) mismatches.push(`queued at ${at}`);
        if (selectProgress(root()) !== engine.progress) mismatches.push(`progress at ${at}`);
      };

      scheduler.schedule(() => coordinator.request({ kind: 'manual' }).subscribe(), 0);
      scheduler.schedule(() => coordinator.request({ kind: 'repository' }).subscribe(), 1500);
      [500, 1500, 2500, 3500].forEach((at) => scheduler.schedule(compare(at), at));
      scheduler.flush();

      expect(mismatches).toEqual([]);
      const lastRun = selectLastOutcome(root());
      expect(lastRun?.status).toBe('succeeded');
      // The store lists the tables as the run counted them: in the order they were first seen.
      const listed = selectProgress(root()).map((p) => (p.phase === 'pull' ? p.table : p.phase));
      expect(listed).toEqual(lastRun?.counts?.tables.map((t) => t.table) ?? []);
      expect(listed).toEqual(['customers', 'products']);
      const view = selectGateView(root());
      expect(view.tables.map((t) => [t.table, t.done, t.complete])).toEqual([
        ['customers', 1000, true],
        ['products', 300, true],
      ]);
    });
  });
});
