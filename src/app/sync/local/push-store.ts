/**
 * The push side of the repository: which local changes to send, and what the server's answer
 * does to each record.
 */
import type { PushChange, PushResult } from '../../../../contract/protocol';
import type { TableSpec } from '../../../../contract/tables';
import type { LocalDbHandle } from './local-database';
import { NEVER_PUSHED_REV, type SyncDoc } from './local-schemas';
import { pickFields } from './sync-records';
import { nextStateAfterPush, type PushOutcomeCounter, type StoredDoc } from './push-results';

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
 * Pending, not dead-lettered changes of the transactional tables, in the order the server can
 * apply them, and only then cut to `limit` (rule 9): writes in registry order (referenced
 * tables first: work orders before lines), then deletions in reverse registry order (lines
 * before their work order), oldest first within each group. Cutting first would let a new work
 * order edited after its line land in a later batch than the line, which the server refuses.
 *
 * Records of an older epoch (a resync in progress) wait: their base revision means nothing to
 * the server now, and the resync turns them into conflicts to review.
 */
export async function readPendingChanges(
  handle: LocalDbHandle,
  limit: number,
): Promise<PushChange[]> {
  const transactional = handle.tables.filter((spec) => spec.kind === 'transactional');
  const groups: [TableSpec, boolean][] = [
    ...transactional.map((spec): [TableSpec, boolean] => [spec, false]),
    ...[...transactional].reverse().map((spec): [TableSpec, boolean] => [spec, true]),
  ];
  const changes: PushChange[] = [];
  // One group after the other, each asked for what is left of the limit: never more than
  // `limit` documents read, and a later group is read only if the earlier ones leave room.
  for (const [spec, deleted] of groups) {
    const room = limit - changes.length;
    if (room <= 0) break;
    const docs = await handle
      .anyTable(spec.name)
      .find({
        selector: {
          syncPending: true,
          syncDeadLetter: false,
          localDeleted: deleted,
          syncStale: false,
        },
        sort: [{ syncChangedAt: 'asc' }, { id: 'asc' }],
        limit: room,
      })
      .exec();
    changes.push(...docs.map((doc) => toPushChange(spec, doc.toJSON() as SyncDoc)));
  }
  return changes;
}

function toPushChange(spec: TableSpec, doc: SyncDoc): PushChange {
  const neverPushed = doc.syncRev === NEVER_PUSHED_REV;
  return {
    table: spec.name,
    id: doc.id,
    changeId: doc.syncChangeId,
    baseRev: neverPushed ? null : doc.syncRev,
    // The merge base (rule 1): what the user's edits are measured against.
    base: neverPushed ? null : doc.syncBase,
    priorChangeIds: [...doc.syncPrior],
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
      const spec = handle.tables.find((candidate) => candidate.name === result.table);
      const doc = spec ? await handle.anyTable(result.table).findOne(result.id).exec() : null;
      if (!spec || !doc) {
        counts.ignored++;
        return;
      }
      // The modifier may run again on a newer state after a write conflict: count the last run.
      let counter: PushOutcomeCounter = 'ignored';
      await doc.incrementalModify((current) => {
        const outcome = nextStateAfterPush(spec, current as StoredDoc, result, maxAttempts);
        counter = outcome.counter;
        return outcome.doc;
      });
      counts[counter]++;
    }),
  );
  return counts;
}
