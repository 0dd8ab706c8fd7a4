/**
 * Applying pushed changes. One transaction per request: it first locks the caller's user row,
 * which serialises that user's writers, so the revisions handed out inside commit in order.
 * Each change then gets a per-record outcome (docs/protocol.md, "Integrity rules"): merge.ts
 * decides it, this file reads what the decision needs and writes what it says.
 */
import type {
  PushChange,
  PushResponse,
  PushResult,
  ServerRecord,
} from '../../../contract/protocol';
import { tableSpec, validateRecord, type TableName } from '../../../contract/tables';
import {
  effectiveBase,
  remember,
  rememberedResult,
  replay,
  type AppliedResult,
} from './applied-changes';
import type { Db, Queryable } from './db';
import { decide } from './merge';
import { ClientError, RECORD_COLUMNS, readRecord, toServerRecord, type RecordRow } from './records';
import { liveReferrersReason, missingReferences } from './references';
import { unstorableProblems } from './storable';

export interface PushOptions {
  /** Test mode: true while a "reject this record" rule is armed; consumes one use. */
  readonly takeRejection?: (userId: string, table: TableName, id: string) => boolean;
  /**
   * Test seam: awaited after a change took its revision, before the transaction commits, so the
   * concurrency tests can hold a writer open while others run. `tx` is that open transaction: on
   * PostgreSQL a test asks through it which sessions wait for its lock (test/lock-waits.ts).
   */
  readonly afterRevision?: (rev: number, tx: Queryable) => Promise<void>;
}

export async function pushChanges(
  db: Db,
  userId: string,
  changes: readonly PushChange[],
  options: PushOptions = {},
): Promise<PushResponse> {
  return db.transaction(async (tx) => {
    const locked = await tx.query('SELECT rev FROM users WHERE id = $1 FOR UPDATE', [userId]);
    // Only a test reset between authentication and here can remove the user.
    if (locked.rows.length === 0)
      throw new ClientError(401, 'invalid or expired session: log in again');
    const results: PushResult[] = [];
    for (const change of changes) results.push(await applyChange(tx, userId, change, options));
    return { results };
  });
}

async function applyChange(
  tx: Queryable,
  userId: string,
  change: PushChange,
  options: PushOptions,
): Promise<PushResult> {
  const { table, id, changeId } = change;
  const reject = (reason: string): PushResult => ({
    table,
    id,
    changeId,
    status: 'rejected',
    reason,
  });

  const remembered = await rememberedResult(tx, userId, changeId);
  if (remembered) {
    if (remembered.table === table && remembered.id === id) {
      return replay(tx, userId, remembered);
    }
    return reject(
      `changeId "${changeId}" was already used for ${remembered.table}/${remembered.id}`,
    );
  }
  if (options.takeRejection?.(userId, table, id)) return reject('rejected by test fault');
  if (tableSpec(table).kind === 'master') return reject(`${table} is read-only`);
  const problems = change.deleted ? [] : dataProblems(table, id, change.data);
  if (problems.length > 0) return reject(problems.join('; '));

  const server = await readRecord(tx, userId, table, id);
  const base = await effectiveBase(tx, userId, change);
  const local = change.deleted ? {} : withoutId(change.data ?? {});
  const decision = decide(table, { deleted: change.deleted, local }, base, server);
  switch (decision.kind) {
    case 'conflict': {
      const { server: current, fields, reason } = decision;
      return { table, id, changeId, status: 'conflict', server: current, fields, reason };
    }
    case 'already-deleted':
      // Nothing written, so nothing remembered: a re-send is simply decided again.
      return {
        table,
        id,
        changeId,
        status: 'applied',
        rev: decision.server.rev,
        record: decision.server,
      };
    case 'delete': {
      const orphans = server ? await liveReferrersReason(tx, userId, table, id) : undefined;
      if (server && orphans) {
        return { table, id, changeId, status: 'conflict', server, fields: [], reason: orphans };
      }
      return write(tx, userId, change, null, options);
    }
    case 'write': {
      // A merge may bring back the server's reference fields: they must still name live records.
      const missing = await missingReferences(tx, userId, table, decision.data);
      if (missing.length > 0) return reject(missing.join('; '));
      return write(tx, userId, change, decision.data, options);
    }
  }
}

/** Takes the next revision, writes the version (`null`: a tombstone) and remembers the result. */
async function write(
  tx: Queryable,
  userId: string,
  change: PushChange,
  data: Record<string, unknown> | null,
  options: PushOptions,
): Promise<AppliedResult> {
  const { table, id, changeId } = change;
  const bumped = await tx.query<{ rev: unknown }>(
    'UPDATE users SET rev = rev + 1 WHERE id = $1 RETURNING rev',
    [userId],
  );
  const rev = Number(bumped.rows[0]?.rev);
  await options.afterRevision?.(rev, tx);
  const written = await tx.query<RecordRow>(
    `INSERT INTO records (user_id, table_name, id, rev, deleted, data, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb, now())
     ON CONFLICT (user_id, table_name, id) DO UPDATE
       SET rev = excluded.rev, deleted = excluded.deleted, data = excluded.data,
           updated_at = excluded.updated_at
     RETURNING ${RECORD_COLUMNS}`,
    [userId, table, id, rev, data === null, data ? JSON.stringify(data) : null],
  );
  const record: ServerRecord = toServerRecord(written.rows[0]!);
  const result: AppliedResult = { table, id, changeId, status: 'applied', rev, record };
  await remember(tx, userId, result, data === null ? null : withoutId(change.data ?? {}));
  return result;
}

/** The registry's checks, plus what only storage cares about: the id, NUL and lone surrogates. */
function dataProblems(table: TableName, id: string, data: PushChange['data']): string[] {
  if (data === null) return ['data is required unless the change is a deletion'];
  const problems = validateRecord(table, data);
  if (Object.hasOwn(data, 'id') && data['id'] !== id) {
    problems.push('"id" in data differs from the change id');
  }
  problems.push(...unstorableProblems(data));
  return problems;
}

function withoutId(data: Record<string, unknown>): Record<string, unknown> {
  const { id: _id, ...fields } = data;
  return fields;
}
