/**
 * A pull: pages of each requested table after its checkpoint, in revision order. Every query is
 * scoped to one user id, which is the only isolation there is.
 *
 * Checkpoints are counter checkpoints: a table read to its end gets the user's revision counter
 * as its checkpoint, not its last record's revision. A client that is up to date therefore holds
 * the counter in every checkpoint, and its next pull is answered by comparing the counter with
 * them: from memory when the counter is cached (head-cache.ts), else in one indexed read of the
 * user's row that touches no record (docs/protocol.md, "A pull with nothing to do").
 */
import type { Checkpoint, PullResponse, PullTableResult } from '../../../contract/protocol';
import type { TableName } from '../../../contract/tables';
import type { Queryable } from './db';
import { readEpoch } from './epoch';
import type { HeadCache, PullHead } from './head-cache';
import {
  ClientError,
  RECORD_COLUMNS,
  encodeCheckpoint,
  parseCheckpoint,
  toServerRecord,
  type RecordRow,
} from './records';

export interface PullTableRequest {
  table: TableName;
  checkpoint: Checkpoint;
}

interface FullHead extends PullHead {
  /** The requested tables holding a record after their checkpoint. */
  readonly newer: ReadonlySet<string>;
}

/**
 * Everything a pull needs before its pages, in ONE statement: the epoch, the user's counter, and
 * which tables have anything after their checkpoint. A table whose checkpoint stands at the
 * counter has nothing after it and is not looked at (CASE evaluates its branches in order); any
 * other gets one backward probe of records_pull_idx for its latest revision (a LIMIT 1 subquery,
 * not EXISTS, which PostgreSQL may turn into a join reading every record of the user). One
 * statement is one snapshot, read before any page, so the epoch comes before the records it
 * describes, and the counter before any record a page may return.
 */
async function readPullHead(
  db: Queryable,
  userId: string,
  tables: readonly PullTableRequest[],
  afterRevs: readonly number[],
): Promise<FullHead> {
  const wanted = tables.map(({ table }, index) => ({ name: table, after: afterRevs[index] ?? 0 }));
  const { rows } = await db.query<{ epoch: string | null; latest: unknown; newer: string[] }>(
    `SELECT (SELECT value FROM server_meta WHERE key = 'epoch') AS epoch,
            u.rev AS latest,
            ARRAY(SELECT t.name FROM jsonb_to_recordset($2::jsonb) AS t(name text, after bigint)
                   WHERE CASE WHEN t.after >= u.rev THEN false
                              ELSE (SELECT r.rev FROM records r
                                     WHERE r.user_id = $1 AND r.table_name = t.name
                                     ORDER BY r.rev DESC LIMIT 1) > t.after END) AS newer
       FROM (SELECT COALESCE((SELECT rev FROM users WHERE id = $1), 0) AS rev) AS u`,
    [userId, JSON.stringify(wanted)],
    { prepareAs: 'pull-head-v2' },
  );
  const row = rows[0];
  return {
    // The epoch exists from the first start on; readEpoch creates it should it ever be missing.
    epoch: row?.epoch ?? (await readEpoch(db)),
    latest: Number(row?.latest ?? 0),
    newer: new Set(row?.newer ?? []),
  };
}

/** The answer when every checkpoint stands at the counter: nothing, checkpoints unchanged. */
function nothingNew(epoch: string, tables: readonly PullTableRequest[]): PullResponse {
  return {
    epoch,
    tables: tables.map(({ table, checkpoint }) => ({
      table,
      records: [],
      checkpoint,
      hasMore: false,
    })),
  };
}

/**
 * Fills one response of at most `limit` records, table by table in request order. Revisions are
 * handed out under the user's row lock, so they commit in order: a page ending at revision r has
 * seen every committed write up to r, and `rev > r` next time skips nothing. A table read to its
 * end has also seen every write up to the counter read in the head (committed before the head's
 * snapshot, so visible to the page's later one): its checkpoint is the larger of the two.
 */
export async function pull(
  db: Queryable,
  userId: string,
  tables: readonly PullTableRequest[],
  limit: number,
  heads?: HeadCache,
): Promise<PullResponse> {
  const seen = new Set<TableName>();
  const afterRevs = tables.map(({ table, checkpoint }) => {
    if (seen.has(table)) throw new ClientError(400, `table "${table}" is listed twice`);
    seen.add(table);
    return parseCheckpoint(checkpoint);
  });
  const cached = heads?.get(userId);
  if (cached && afterRevs.every((rev) => rev === cached.latest)) {
    return nothingNew(cached.epoch, tables);
  }
  const ticket = heads?.ticket() ?? 0;
  const head = await readPullHead(db, userId, tables, afterRevs);
  heads?.remember(userId, { epoch: head.epoch, latest: head.latest }, ticket);
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
    const afterRev = afterRevs[index] ?? 0;
    // Nothing after its checkpoint when the head was read: no query, and up to the counter.
    if (!head.newer.has(table)) {
      const at = afterRev === head.latest ? checkpoint : encodeCheckpoint(head.latest);
      results.push({ table, records: [], checkpoint: at, hasMore: false });
      continue;
    }
    if (remaining === 0) {
      results.push({ table, records: [], checkpoint, hasMore: true });
      continue;
    }
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
    const hasMore = rows.length > page.length;
    const last = page.at(-1)?.rev ?? afterRev;
    results.push({
      table,
      records: page,
      checkpoint: encodeCheckpoint(hasMore ? last : Math.max(last, head.latest)),
      hasMore,
    });
  }
  return { epoch: head.epoch, tables: results };
}
