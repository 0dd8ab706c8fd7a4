/**
 * The push side of the repository: which local changes to send, and what the server's answer
 * does to each record.
 */
import type { PushChange, PushResult } from '../../../../contract/protocol';
import type { TableSpec } from '../../../../contract/tables';
import type { LocalDbHandle } from './local-database';
import { NEVER_PUSHED_REV, type SyncDoc } from './local-schemas';
import { pickFields } from './sync-records';

export interface PushResultCounts {
  applied: number;
  /** Applied, but the user edited the record meanwhile: still pending, rebased on the new rev. */
  rebased: number;
  conflicts: number;
  rejected: number;
  /** Rejections that used up the attempts and turned into dead letters. */
  deadLettered: number;
  /** Results for records that no longer exist locally (or for a change already superseded). */
  ignored: number;
}

/**
 * Pending, not dead-lettered changes of the transactional tables: the oldest `limit`, in the
 * order the server can apply them (see below). Each table is
 * read through its (syncPending, syncDeadLetter, syncChangedAt) index and capped at `limit`, so
 * the merge never reads more than `limit` per table.
 */
export async function readPendingChanges(
  handle: LocalDbHandle,
  limit: number,
): Promise<PushChange[]> {
  const transactional = handle.tables.filter((spec) => spec.kind === 'transactional');
  const perTable = await Promise.all(
    transactional.map(async (spec, order) => {
      const docs = await handle
        .anyTable(spec.name)
        .find({
          selector: { syncPending: true, syncDeadLetter: false },
          sort: [{ syncChangedAt: 'asc' }, { id: 'asc' }],
          limit,
        })
        .exec();
      return docs.map((doc) => ({ spec, order, doc: doc.toJSON() as SyncDoc }));
    }),
  );
  const tableCount = transactional.length;
  // The server applies a batch in request order, and refuses a line whose work order it doesn't
  // have: within the batch, writes go in registry order (referenced tables first), then
  // deletions in reverse (lines before their work order). A work order edited again after its
  // new line was written is thus still created before the line.
  const rank = ({ order, doc }: { order: number; doc: SyncDoc }) =>
    doc.localDeleted ? 2 * tableCount - order : order;
  return perTable
    .flat()
    .sort((a, b) => a.doc.syncChangedAt - b.doc.syncChangedAt || a.order - b.order)
    .slice(0, limit)
    .sort((a, b) => rank(a) - rank(b) || a.doc.syncChangedAt - b.doc.syncChangedAt)
    .map(({ spec, doc }) => toPushChange(spec, doc));
}

function toPushChange(spec: TableSpec, doc: SyncDoc): PushChange {
  return {
    table: spec.name,
    id: doc.id,
    changeId: doc.syncChangeId,
    baseRev: doc.syncRev === NEVER_PUSHED_REV ? null : doc.syncRev,
    deleted: doc.localDeleted,
    data: doc.localDeleted ? null : pickFields(spec, doc),
  };
}

/**
 * Applies one push response. Every record is updated by its own incremental write, which RxDB
 * queues per document: the "is this still the change we pushed?" check runs against the latest
 * state, after any user edit that was already queued, so no edit is lost or marked synced.
 */
export async function writePushResults(
  handle: LocalDbHandle,
  results: readonly PushResult[],
  maxAttempts: number,
): Promise<PushResultCounts> {
  const counts: PushResultCounts = {
    applied: 0,
    rebased: 0,
    conflicts: 0,
    rejected: 0,
    deadLettered: 0,
    ignored: 0,
  };
  await Promise.all(
    results.map(async (result) => {
      const doc = await handle.anyTable(result.table).findOne(result.id).exec();
      if (!doc) {
        counts.ignored++;
        return;
      }
      // The modifier may run again on a newer state after a write conflict: count the last run.
      let counter: keyof PushResultCounts = 'ignored';
      await doc.incrementalModify((current) => {
        const outcome = nextState(current, result, maxAttempts);
        counter = outcome.counter;
        return outcome.doc;
      });
      counts[counter]++;
    }),
  );
  return counts;
}

type Outcome = { counter: keyof PushResultCounts; doc: SyncDoc & { _deleted: boolean } };

/** The record after one push result; pure, so the modifier can be re-run on a newer state. */
function nextState(
  current: SyncDoc & { _deleted: boolean },
  result: PushResult,
  maxAttempts: number,
): Outcome {
  const sameChange = current.syncChangeId === result.changeId;
  switch (result.status) {
    case 'applied': {
      if (!sameChange) {
        // Edited again while the push was in flight: keep the edit pending, now based on the
        // revision the server just wrote, so the next push isn't a false conflict.
        return { counter: 'rebased', doc: { ...current, syncRev: result.rev } };
      }
      if (current.localDeleted) {
        return { counter: 'applied', doc: { ...current, _deleted: true } };
      }
      return {
        counter: 'applied',
        doc: {
          ...current,
          syncPending: false,
          syncRev: result.rev,
          syncChangeId: '',
          syncChangedAt: 0,
          syncAttempts: 0,
          syncError: '',
          syncDeadLetter: false,
          syncConflict: null,
        },
      };
    }
    case 'conflict':
      // Any local version is based on the revision the server refused: park it with both
      // versions until someone resolves it, whichever local edit is current.
      return {
        counter: 'conflicts',
        doc: {
          ...current,
          syncDeadLetter: true,
          syncConflict: result.server,
          syncError: 'conflict',
        },
      };
    case 'rejected': {
      if (!sameChange) {
        // The rejected version is gone; the current one hasn't been tried yet.
        return { counter: 'ignored', doc: current };
      }
      const attempts = current.syncAttempts + 1;
      const dead = attempts >= maxAttempts;
      return {
        counter: dead ? 'deadLettered' : 'rejected',
        doc: {
          ...current,
          syncAttempts: attempts,
          syncError: result.reason,
          syncDeadLetter: dead,
        },
      };
    }
  }
}
