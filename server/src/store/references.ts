/**
 * References between tables (a line's `workOrderId`, a work order's `customerId`), declared in
 * the registry with `references`. Both directions are checked inside the push transaction, so
 * they see the earlier changes of the same batch: a write must name a live record (or it is
 * rejected), and a delete must not leave live records naming it behind (or it conflicts, rule 4).
 */
import { SYNC_TABLES, tableSpec, type TableName } from '../../../contract/tables';
import type { Queryable } from './db';

/** Reference fields must name a live record of the caller's, e.g. a line's work order. */
export async function missingReferences(
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

interface Referrer {
  readonly table: TableName;
  readonly label: string;
  readonly field: string;
}

/** Names go into SQL text (so the partial index matches): only plain identifiers. */
const IDENTIFIER = /^[A-Za-z][A-Za-z0-9]*$/;

/** Per table, the fields of other tables that reference it, from the registry. */
const REFERRERS: ReadonlyMap<TableName, readonly Referrer[]> = new Map(
  SYNC_TABLES.map((target) => [
    target.name,
    SYNC_TABLES.flatMap((spec) =>
      Object.entries(spec.fields)
        .filter(([, field]) => field.references === target.name)
        .map(([field]) => {
          if (!IDENTIFIER.test(spec.name) || !IDENTIFIER.test(field)) {
            throw new Error(`reference ${spec.name}.${field} is not a plain identifier`);
          }
          return { table: spec.name, label: spec.label, field };
        }),
    ),
  ]),
);

/**
 * Why deleting `table/id` would orphan live records, e.g. `work order has 1 line that this device
 * has not seen`; undefined when nothing live references it.
 */
export async function liveReferrersReason(
  tx: Queryable,
  userId: string,
  table: TableName,
  id: string,
): Promise<string | undefined> {
  const parts: string[] = [];
  for (const referrer of REFERRERS.get(table) ?? []) {
    // Literal table and field names: the partial index of migration 3 serves this query.
    const { rows } = await tx.query<{ n: unknown }>(
      `SELECT count(*) AS n FROM records
        WHERE user_id = $1 AND table_name = '${referrer.table}' AND NOT deleted
          AND data->>'${referrer.field}' = $2`,
      [userId, id],
    );
    const count = Number(rows[0]?.n ?? 0);
    if (count > 0) parts.push(`${count} ${childNoun(tableSpec(table).label, referrer, count)}`);
  }
  if (parts.length === 0) return undefined;
  return `${singular(tableSpec(table).label)} has ${parts.join(' and ')} that this device has not seen`;
}

/** "Work order lines" under "Work orders" reads as "line"/"lines"; other labels stay whole. */
function childNoun(parentLabel: string, referrer: Referrer, count: number): string {
  const parent = `${singular(parentLabel)} `;
  let noun = referrer.label.toLowerCase();
  if (noun.startsWith(parent)) noun = noun.slice(parent.length);
  return count === 1 ? noun.replace(/s$/, '') : noun;
}

function singular(label: string): string {
  return label.toLowerCase().replace(/s$/, '');
}
