/**
 * Applying pushed changes. One transaction per request: it first locks the caller's user row,
 * which serialises that user's writers, so the revisions handed out inside commit in order.
 * Each change then gets a per-record outcome; only `applied` writes anything.
 */
import type { PushChange, PushResponse, PushResult } from '../../../contract/protocol';
import { tableSpec, validateRecord, type TableName } from '../../../contract/tables';
import type { Db, Queryable } from './db';
import { ClientError, RECORD_COLUMNS, toServerRecord, type RecordRow } from './records';

export interface PushOptions {
  /** Test mode: true while a "reject this record" rule is armed; consumes one use. */
  readonly takeRejection?: (userId: string, table: TableName, id: string) => boolean;
  /**
   * Test seam: awaited after a change took its revision, before the transaction commits, so the
   * concurrency test can hold a writer open while others run.
   */
  readonly afterRevision?: (rev: number) => Promise<void>;
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

  const earlier = await tx.query<{ result: PushResult }>(
    'SELECT result FROM applied_changes WHERE user_id = $1 AND change_id = $2',
    [userId, changeId],
  );
  const remembered = earlier.rows[0]?.result;
  if (remembered) {
    if (remembered.table === table && remembered.id === id) return remembered;
    return reject(
      `changeId "${changeId}" was already used for ${remembered.table}/${remembered.id}`,
    );
  }
  if (options.takeRejection?.(userId, table, id)) return reject('rejected by test fault');
  if (tableSpec(table).kind === 'master') return reject(`${table} is read-only`);
  const problems = change.deleted ? [] : dataProblems(table, id, change.data);
  if (problems.length > 0) return reject(problems.join('; '));

  const current = await tx.query<RecordRow>(
    `SELECT ${RECORD_COLUMNS} FROM records WHERE user_id = $1 AND table_name = $2 AND id = $3`,
    [userId, table, id],
  );
  const server = current.rows[0] ? toServerRecord(current.rows[0]) : undefined;
  // A record the server never had is created whatever baseRev says (a deletion of one leaves a
  // tombstone): there is no other version for the change to conflict with.
  if (server && server.rev !== change.baseRev) {
    return { table, id, changeId, status: 'conflict', server };
  }
  const fields = change.deleted ? null : withoutId(change.data ?? {});
  if (fields) {
    const missing = await missingReferences(tx, userId, table, fields);
    if (missing.length > 0) return reject(missing.join('; '));
  }

  const bumped = await tx.query<{ rev: unknown }>(
    'UPDATE users SET rev = rev + 1 WHERE id = $1 RETURNING rev',
    [userId],
  );
  const rev = Number(bumped.rows[0]?.rev);
  await options.afterRevision?.(rev);
  await tx.query(
    `INSERT INTO records (user_id, table_name, id, rev, deleted, data, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb, now())
     ON CONFLICT (user_id, table_name, id) DO UPDATE
       SET rev = excluded.rev, deleted = excluded.deleted, data = excluded.data,
           updated_at = excluded.updated_at`,
    [userId, table, id, rev, change.deleted, fields ? JSON.stringify(fields) : null],
  );
  const result: PushResult = { table, id, changeId, status: 'applied', rev };
  await tx.query(
    'INSERT INTO applied_changes (user_id, change_id, result) VALUES ($1, $2, $3::jsonb)',
    [userId, changeId, JSON.stringify(result)],
  );
  return result;
}

/** The registry's checks, plus what only storage cares about: the id and NUL characters. */
function dataProblems(table: TableName, id: string, data: PushChange['data']): string[] {
  if (data === null) return ['data is required unless the change is a deletion'];
  const problems = validateRecord(table, data);
  if ('id' in data && data['id'] !== id) problems.push('"id" in data differs from the change id');
  for (const [key, value] of Object.entries(data)) {
    // PostgreSQL text and jsonb cannot hold U+0000; caught here it is a rejection, not a 500.
    if (typeof value === 'string' && value.includes('\u0000')) {
      problems.push(`"${key}" must not contain NUL characters`);
    }
  }
  return problems;
}

function withoutId(data: Record<string, unknown>): Record<string, unknown> {
  const { id: _id, ...fields } = data;
  return fields;
}

/** Reference fields must name a live record of the caller's, e.g. a line's work order. */
async function missingReferences(
  tx: Queryable,
  userId: string,
  table: TableName,
  fields: Record<string, unknown>,
): Promise<string[]> {
  const missing: string[] = [];
  for (const [key, field] of Object.entries(tableSpec(table).fields)) {
    const target = fields[key];
    if (!field.references || typeof target !== 'string') continue;
    const { rows } = await tx.query(
      `SELECT 1 FROM records
        WHERE user_id = $1 AND table_name = $2 AND id = $3 AND NOT deleted`,
      [userId, field.references, target],
    );
    if (rows.length === 0) {
      missing.push(`"${key}" refers to ${field.references}/${target}, which does not exist`);
    }
  }
  return missing;
}
