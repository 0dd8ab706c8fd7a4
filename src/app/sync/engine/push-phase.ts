import { concatMap, defer, EMPTY, expand, map, type Observable, of } from 'rxjs';
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
 *
 * Before the first batch, the server's epoch is checked (rule 8): the push runs before the pull
 * that would notice a new epoch, and a change's base revision means nothing to a server whose
 * data was replaced. Sent anyway, a base revision that happens to exist in the new epoch would
 * overwrite another device's edit as if the device had seen it. So with another epoch nothing is
 * pushed; the pull then resyncs, and the changes come back as conflicts to review.
 */
export function pushPhase(deps: PushPhaseDeps, _run: RunContext): Observable<PhaseProgress> {
  return defer(() => {
    const attempted = new Set<string>();
    const totals = { sent: 0, rejected: 0, deadLettered: 0 };
    let epochChecked = false;

    const send = (changes: PushChange[]): Observable<PhaseProgress> => {
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
    };

    const nextBatch = (): Observable<PhaseProgress> =>
      // Ask for enough to skip what this run already sent and still fill a batch.
      deps.store.pendingChanges(deps.batchSize + attempted.size).pipe(
        map((changes) =>
          changes.filter((change) => !attempted.has(key(change))).slice(0, deps.batchSize),
        ),
        concatMap((changes) => {
          if (changes.length === 0) return EMPTY;
          if (epochChecked) return send(changes);
          epochChecked = true;
          return sameEpoch(deps, changes[0]).pipe(
            concatMap((same) => (same ? send(changes) : EMPTY)),
          );
        }),
      );

    // expand: the next batch is read only after this one's results are written.
    return nextBatch().pipe(expand(() => nextBatch()));
  });
}

/**
 * Whether the server is still in the epoch the local data belongs to (or the one a resync is
 * heading for). Asks for one record of the batch, the cheapest request that names the epoch.
 * Nothing stored yet (a device that never pulled): nothing to compare with.
 */
function sameEpoch(deps: PushPhaseDeps, sample: PushChange): Observable<boolean> {
  return deps.store.owner().pipe(
    concatMap((owner) => (owner ? deps.store.epochState(owner) : of(null))),
    concatMap((state) => {
      // A resync that has not marked every record stale yet (a crash, or a failure part-way):
      // an unmarked record's base belongs to the old epoch. The pull finishes the marking first.
      if (state?.resync?.stage === 'start') return of(false);
      const local = state?.resync ? state.resync.target : (state?.epoch ?? null);
      if (local === null) return of(true);
      return deps.transport
        .records({ table: sample.table, ids: [sample.id] })
        .pipe(map((response) => response.epoch === undefined || response.epoch === local));
    }),
  );
}

function key(change: PushChange): string {
  return `${change.table}|${change.id}|${change.changeId}`;
}
