/**
 * Reading sync records: the manifest counts, the pull pages and records by id. Every query is
 * scoped to one user id, which is the only isolation there is, so it is never optional.
 */
import type {
  Checkpoint,
  ManifestResponse,
  PullResponse,
  PullTableResult,
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

interface PullHead {
  readonly epoch: string;
  /** The user's revision counter. */
  readonly latest: number;
  /** The requested tables holding a record after their checkpoint. */
  readonly newer: ReadonlySet<string>;
}

/**
 * Everything a pull needs before its pages, in ONE statement: the epoch, the user's counter, and
 * which tables have anything after their checkpoint: each table's latest revision, one backward
 * probe of records_pull_idx (written as a LIMIT 1 subquery, not EXISTS, which PostgreSQL may turn
 * into a join that reads every record of the user). One
 * statement is one snapshot, and it is read before any page, so the epoch still comes before the
 * records it describes. A pull with nothing to do costs this query and nothing else.
 */
async function readPullHead(
  db: Queryable,
  userId: string,
  tables: readonly PullTableRequest[],
  afterRevs: readonly number[],
): Promise<PullHead> {
  const wanted = tables.map(({ table }, index) => ({ name: table, after: afterRevs[index] ?? 0 }));
  const { rows } = await db.query<{ epoch: string | null; latest: unknown; newer: string[] }>(
    `SELECT (SELECT value FROM server_meta WHERE key = 'epoch') AS epoch,
            (SELECT rev FROM users WHERE id = $1) AS latest,
            ARRAY(SELECT t.name FROM jsonb_to_recordset($2::jsonb) AS t(name text, after bigint)
                   WHERE (SELECT r.rev FROM records r
                           WHERE r.user_id = $1 AND r.table_name = t.name
                           ORDER BY r.rev DESC LIMIT 1) > t.after) AS newer`,
    [userId, JSON.stringify(wanted)],
    { prepareAs: 'pull-head' },
  );
  const row = rows[0];
  return {
    // The epoch exists from the first start on; readEpoch creates it should it ever be missing.
    epoch: row?.epoch ?? (await readEpoch(db)),
    latest: Number(row?.latest ?? 0),
    newer: new Set(row?.newer ?? []),
  };
}

export interface PullTableRequest {
  table: TableName;
  checkpoint: Checkpoint;
}

/**
 * Fills one response of at most `limit` records, table by table in request order. Revisions are
 * handed out under the user's row lock, so they commit in order: a page ending at revision r has
 * seen every committed write up to r, and `rev > r` next time skips nothing.
 */
export async function pull(
  db: Queryable,
  userId: string,
  tables: readonly PullTableRequest[],
  limit: number,
): Promise<PullResponse> {
  const seen = new Set<TableName>();
  const afterRevs = tables.map(({ table, checkpoint }) => {
    if (seen.has(table)) throw new ClientError(400, `table "${table}" is listed twice`);
    seen.add(table);
    return parseCheckpoint(checkpoint);
  });
  const head = await readPullHead(db, userId, tables, afterRevs);
  const ahead = afterRevs.findIndex((rev) => rev > head.latest);
  if (ahead >= 0) {
    // Only a checkpoint from an earlier life of the database can be ahead of its counter, e.g.
    // after a test reset. Answering "nothing new" would strand that client forever.
    throw new ClientError(
      409,
      `checkpoint ${tables[ahead]?.checkpoint} of "${tables[ahead]?.table}" is ahead of the ` +
        `server (revision ${head.latest}): the server's data was reset; pull again from null`,
    );
  }

  let remaining = limit;
  const results: PullTableResult[] = [];
  for (const [index, { table, checkpoint }] of tables.entries()) {
    // Nothing after its checkpoint when the head was read: no query. A no-op pull ends here.
    if (!head.newer.has(table)) {
      results.push({ table, records: [], checkpoint, hasMore: false });
      continue;
    }
    if (remaining === 0) {
      results.push({ table, records: [], checkpoint, hasMore: true });
      continue;
    }
    const afterRev = afterRevs[index] ?? 0;
    // One row more than we may return tells whether more are waiting, without a count(*).
    const { rows } = await db.query<RecordRow>(
      `SELECT ${RECORD_COLUMNS} FROM records
        WHERE user_id = $1 AND table_name = $2 AND rev > $3
        ORDER BY rev LIMIT $4`,
      [userId, table, afterRev, remaining + 1],
      { prepareAs: 'pull-page' },
    );
    const page = rows.slice(0, remaining).map(toServerRecord);
    remaining -= page.length;
    const last = page.at(-1);
    results.push({
      table,
      records: page,
      checkpoint: last ? encodeCheckpoint(last.rev) : checkpoint,
      hasMore: rows.length > page.length,
    });
  }
  return { epoch: head.epoch, tables: results };
}
