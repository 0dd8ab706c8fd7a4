/**
 * The remembered outcomes of applied changes (`applied_changes`), per user: what makes a re-sent
 * `changeId` idempotent, and what lets a later change recognise its device's own write whose
 * response was lost (docs/protocol.md, "Integrity rules", rule 5).
 */
import { MAX_PRIOR_CHANGE_IDS, type PushChange, type PushResult } from '../../../contract/protocol';
import type { Queryable } from './db';
import type { EffectiveBase } from './merge';
import { readRecord } from './records';

export type AppliedResult = Extract<PushResult, { status: 'applied' }>;

/**
 * What is stored: the result, plus the fields the change sent (null for a delete). A later change
 * of the same device merges from `sent`, the version that device had, not from the record the
 * server wrote, which may hold other devices' fields the device never saw.
 */
type StoredResult = AppliedResult & { sent?: Record<string, unknown> | null };

/** The stored result of `changeId`, if that change was applied. */
export async function rememberedResult(
  tx: Queryable,
  userId: string,
  changeId: string,
): Promise<AppliedResult | undefined> {
  const { rows } = await tx.query<{ result: StoredResult }>(
    'SELECT result FROM applied_changes WHERE user_id = $1 AND change_id = $2',
    [userId, changeId],
  );
  const stored = rows[0]?.result;
  if (!stored) return undefined;
  const { sent: _sent, ...result } = stored;
  return result;
}

/** Stored in the write's transaction: the change and its outcome commit together or not at all. */
export async function remember(
  tx: Queryable,
  userId: string,
  result: AppliedResult,
  sent: Record<string, unknown> | null,
): Promise<void> {
  const stored: StoredResult = { ...result, sent };
  await tx.query(
    'INSERT INTO applied_changes (user_id, change_id, result) VALUES ($1, $2, $3::jsonb)',
    [userId, result.changeId, JSON.stringify(stored)],
  );
}

/**
 * A re-sent change's answer: its stored result (same `rev`) with the record as it is now. The
 * device re-sends because it never heard the first answer; the version written back then may
 * have been changed since, and adopting it would leave the device stale until the next pull.
 */
export async function replay(
  tx: Queryable,
  userId: string,
  stored: AppliedResult,
): Promise<AppliedResult> {
  const current = await readRecord(tx, userId, stored.table, stored.id);
  return current ? { ...stored, record: current } : stored;
}

/**
 * The base the change is really built on. If one of its `priorChangeIds` (the device's earlier
 * changes of this record whose answers it never got) was applied, the newest of them is: the
 * device made this edit on top of that write, whatever `baseRev` it still names. Only the newest
 * MAX_PRIOR_CHANGE_IDS are read (the list is oldest first).
 */
export async function effectiveBase(
  tx: Queryable,
  userId: string,
  change: PushChange,
): Promise<EffectiveBase> {
  const own: EffectiveBase = { rev: change.baseRev, data: change.base };
  const priors = (change.priorChangeIds ?? []).slice(-MAX_PRIOR_CHANGE_IDS);
  if (priors.length === 0) return own;
  // Results stored before `record` existed can't serve as a base, so they are passed over.
  const { rows } = await tx.query<{ result: StoredResult }>(
    `SELECT result FROM applied_changes
      WHERE user_id = $1
        AND change_id IN (SELECT jsonb_array_elements_text($2::jsonb))
        AND result->>'table' = $3 AND result->>'id' = $4
        AND result->'record' IS NOT NULL
      ORDER BY (result->>'rev')::bigint DESC
      LIMIT 1`,
    [userId, JSON.stringify(priors), change.table, change.id],
  );
  const prior = rows[0]?.result;
  // A base the device got later (a pull after the lost response) is newer than its lost write.
  if (!prior || (change.baseRev !== null && change.baseRev >= prior.rev)) return own;
  // Results stored before `sent` existed fall back to the written record.
  return {
    rev: prior.rev,
    data: prior.sent !== undefined ? prior.sent : prior.record.data,
    fromPrior: true,
  };
}
