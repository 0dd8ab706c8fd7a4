import { concatMap, defer, EMPTY, expand, map, type Observable } from 'rxjs';
import type { PushChange } from '../../../../contract/protocol';
import type { PhaseProgress, RunContext } from '../core';
import type { SyncStore } from '../local';
import type { SyncApi } from '../transport/sync-transport';

export interface PushPhaseDeps {
  readonly store: SyncStore;
  readonly transport: SyncApi;
  readonly batchSize: number;
}

/**
 * The push phase: pending changes of every transactional table, a batch per request, until none
 * is left. Each change is sent at most once per run, so a record the server rejects waits for
 * the next run (and counts one attempt per run) instead of being re-sent in a tight loop.
 *
 * ```
 * pending:    [a b c] [d e]  []
 * requests:   --P1----P2----|       (concatMap: one request at a time, results applied in order)
 * progress:   ----s3-----s5-|       (cumulative counts)
 * ```
 * A transport failure errors the phase (the coordinator then skips pull); record-level
 * rejections are counted in the progress and do not.
 */
export function pushPhase(deps: PushPhaseDeps, _run: RunContext): Observable<PhaseProgress> {
  return defer(() => {
    const attempted = new Set<string>();
    const totals = { sent: 0, rejected: 0, deadLettered: 0 };

    const nextBatch = (): Observable<PhaseProgress> =>
      // Ask for enough to skip what this run already sent and still fill a batch.
      deps.store.pendingChanges(deps.batchSize + attempted.size).pipe(
        map((changes) =>
          changes.filter((change) => !attempted.has(key(change))).slice(0, deps.batchSize),
        ),
        concatMap((changes) => {
          if (changes.length === 0) return EMPTY;
          changes.forEach((change) => attempted.add(key(change)));
          return deps.transport.push({ changes }).pipe(
            concatMap((response) => deps.store.applyPushResults(response.results)),
            map((counts): PhaseProgress => {
              totals.sent += changes.length;
              // A rejection that used up its attempts is still a rejection (and a dead letter).
              totals.rejected += counts.rejected + counts.deadLettered + counts.conflicts;
              totals.deadLettered += counts.deadLettered + counts.conflicts;
              return { phase: 'push', ...totals };
            }),
          );
        }),
      );

    // expand: the next batch is read only after this one's results are written.
    return nextBatch().pipe(expand(() => nextBatch()));
  });
}

function key(change: PushChange): string {
  return `${change.table}|${change.id}|${change.changeId}`;
}
