/**
 * Runs the storage pruning (store/pruning.ts) on an interval while the app runs. The timer is
 * unref'd, so it never keeps a process alive, and stopped when the app closes, which waits for a
 * run in progress: the database closes only after it.
 */
import type { FastifyInstance } from 'fastify';
import type { Db } from './store/db';
import { pruneStorage } from './store/pruning';

export const DEFAULT_PRUNE_INTERVAL_MS = 60 * 60_000;

export interface PruneSchedule {
  readonly db: Db;
  readonly now: () => number;
  readonly intervalMs: number;
  readonly retentionMs: number;
}

export function schedulePruning(app: FastifyInstance, schedule: PruneSchedule): void {
  const { db, now, intervalMs, retentionMs } = schedule;
  let running: Promise<void> | undefined;
  const run = () => {
    // A run still going (a large backlog) makes this tick redundant, not a second runner.
    if (running) return;
    running = pruneStorage(db, { now: now(), retentionMs })
      .then(
        (result) => {
          if (result.appliedChanges > 0 || result.sessions > 0) {
            app.log.info(result, 'pruned applied changes past retention and dead sessions');
          }
        },
        (error: unknown) => {
          // Nothing is lost by a failed run: the next interval deletes the same rows.
          app.log.warn({ err: error }, 'storage pruning failed; retried at the next interval');
        },
      )
      .finally(() => {
        running = undefined;
      });
  };
  const timer = setInterval(run, intervalMs);
  timer.unref();
  // preClose runs before every onClose hook, so before the one that closes the database.
  app.addHook('preClose', async () => {
    clearInterval(timer);
    await running;
  });
}
