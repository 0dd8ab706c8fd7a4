/**
 * Reading sync records: the manifest counts, checkpoints and records by id (pulls: pull.ts).
 * Every query is scoped to one user id, which is the only isolation there is, so it is never
 * optional.
 */
import type {
  Checkpoint,
  ManifestResponse,
  RecordsResponse,
  ServerRecord,
} from '../../../contract/protocol';
import { SYNC_TABLES, type TableName } from '../../../contract/tables';
import type { Queryable } from './db';
import { readEpoch } from './epoch';

/** A request the caller got wrong: the route answers it with this status and message. */
export class ClientError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'ClientError';
  }
}

const CHECKPOINT_PATTERN = /^r:(0|[1-9][0-9]{0,14})$/;

/** The revision a checkpoint stands for; `null` (from the beginning) is revision 0. */
export function parseCheckpoint(checkpoint: Checkpoint): number {
  if (checkpoint === null) return 0;
  const match = CHECKPOINT_PATTERN.exec(checkpoint);
  if (!match) throw new ClientError(400, `malformed checkpoint ${JSON.stringify(checkpoint)}`);
  return Number(match[1]);
}

/** `r:<rev>`; clients treat it as opaque, which leaves room to change the encoding. */
export function encodeCheckpoint(rev: number): string {
  return `r:${rev}`;
}

export interface RecordRow {
  id: string;
  rev: unknown;
  deleted: boolean;
  data: Record<string, unknown> | null;
  updated_ms: unknown;
}

/** The columns every reader selects; bigint arrives as a string from `pg`, a number from PGlite. */
export const RECORD_COLUMNS =
  'id, rev, deleted, data, (extract(epoch FROM updated_at) * 1000)::float8 AS updated_ms';

export function toServerRecord(row: RecordRow): ServerRecord {
  return {
    id: row.id,
    rev: Number(row.rev),
    deleted: row.deleted,
    data: row.deleted ? null : row.data,
    updatedAt: Math.round(Number(row.updated_ms)),
  };
}

/** One record of the caller's as the server holds it (tombstones too), or undefined. */
export async function readRecord(
  db: Queryable,
  userId: string,
  table: TableName,
  id: string,
): Promise<ServerRecord | undefined> {
  const { rows } = await db.query<RecordRow>(
    `SELECT ${RECORD_COLUMNS} FROM records WHERE user_id = $1 AND table_name = $2 AND id = $3`,
    [userId, table, id],
  );
  return rows[0] ? toServerRecord(rows[0]) : undefined;
}

/**
 * The current versions of some records, in the order asked (duplicates once), tombstones
 * included and ids the caller never had left out. The epoch is read first, as for a pull.
 */
export async function readRecords(
  db: Queryable,
  userId: string,
  table: TableName,
  ids: readonly string[],
): Promise<RecordsResponse> {
  const epoch = await readEpoch(db);
  const { rows } = await db.query<RecordRow>(
    `SELECT ${RECORD_COLUMNS} FROM records
      WHERE user_id = $1 AND table_name = $2
        AND id IN (SELECT jsonb_array_elements_text($3::jsonb))`,
    [userId, table, JSON.stringify(ids)],
  );
  const byId = new Map(rows.map((row) => [row.id, toServerRecord(row)]));
  const records = [...new Set(ids)].flatMap((id) => byId.get(id) ?? []);
  return { epoch, records };
}

export async function readManifest(db: Queryable, userId: string): Promise<ManifestResponse> {
  const { rows } = await db.query<{ table_name: string; n: unknown }>(
    `SELECT table_name, count(*) AS n FROM records
      WHERE user_id = $1 AND NOT deleted GROUP BY table_name`,
    [userId],
  );
  const counts = new Map(rows.map((row) => [row.table_name, Number(row.n)]));
  return {
    tables: SYNC_TABLES.map((table) => ({
      name: table.name,
      kind: table.kind,
      schemaVersion: table.schemaVersion,
      count: counts.get(table.name) ?? 0,
    })),
  };
}

export async function currentRevision(db: Queryable, userId: string): Promise<number> {
  const { rows } = await db.query<{ rev: unknown }>('SELECT rev FROM users WHERE id = $1', [
    userId,
  ]);
  return Number(rows[0]?.rev ?? 0);
}
