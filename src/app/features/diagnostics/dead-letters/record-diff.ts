/**
 * Both versions of a conflicted record, field by field, for the dead-letters tab. Registry-driven:
 * the rows are the table's declared fields, so a field missing on one side still gets a row.
 */
import { tableSpec } from '../../../../../contract/tables';
import type { DeadLetter } from '../../../sync';

export interface FieldRow {
  readonly field: string;
  readonly mine: string;
  /** The server's value; '' for a rejection, which has no server version. */
  readonly theirs: string;
  readonly differs: boolean;
  /** The server named this field as changed on both sides to different values. */
  readonly clash: boolean;
}

/** Shown for a field a version doesn't have. */
export const ABSENT = '—';
const DELETED_FIELD = '(deleted)';

export function compareVersions(letter: DeadLetter): FieldRow[] {
  const server = letter.server;
  const rows: FieldRow[] = [];
  if (server && (letter.localDeleted || server.deleted)) {
    const mine = letter.localDeleted ? 'yes' : 'no';
    const theirs = server.deleted ? 'yes' : 'no';
    rows.push({ field: DELETED_FIELD, mine, theirs, differs: mine !== theirs, clash: false });
  }
  const clashing = new Set(letter.fields);
  for (const field of Object.keys(tableSpec(letter.table).fields)) {
    const mine = show(letter.localDeleted ? undefined : letter.local[field]);
    if (!server) {
      rows.push({ field, mine, theirs: '', differs: false, clash: false });
      continue;
    }
    const theirs = show(server.data?.[field]);
    rows.push({ field, mine, theirs, differs: mine !== theirs, clash: clashing.has(field) });
  }
  return rows;
}

function show(value: unknown): string {
  if (value === undefined || value === null || value === '') return ABSENT;
  return typeof value === 'string' ? value : JSON.stringify(value);
}
