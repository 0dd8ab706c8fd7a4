/**
 * What a pushed change does to the server's version of its record: docs/protocol.md, "Integrity
 * rules", rule 1, as a pure function of the change, its effective base and the server's version.
 * push.ts does the reading and writing around it; this file decides.
 */
import type { ServerRecord } from '../../../contract/protocol';
import { tableSpec, type TableName } from '../../../contract/tables';

type Fields = Record<string, unknown>;

/** The version a change was made from: the change's own, or its device's lost write (rule 5). */
export interface EffectiveBase {
  /** The server revision the edit started from; null for a record the device never had. */
  readonly rev: number | null;
  /** The record's fields at that revision; null or undefined when the change carries none. */
  readonly data: Fields | null | undefined;
  /**
   * The base is the device's own earlier change whose answer was lost (rule 5): `data` is what
   * that change sent, while the server wrote its merge with other devices' fields. So even at
   * the same revision the change is merged, never written as is.
   */
  readonly fromPrior?: boolean;
}

export type Decision =
  /** Write these fields: the change's data, or the merge of it into the server's version. */
  | { readonly kind: 'write'; readonly data: Fields }
  /** Write a tombstone (the caller still checks rule 4 for a live record). */
  | { readonly kind: 'delete' }
  /** Both sides deleted it: `applied` with the tombstone as it is, nothing written. */
  | { readonly kind: 'already-deleted'; readonly server: ServerRecord }
  | {
      readonly kind: 'conflict';
      readonly server: ServerRecord;
      readonly fields: string[];
      readonly reason: string;
    };

/**
 * The outcome table of rule 1. `local` is the change's data without `id` (ignored for a delete);
 * `server` the current version, undefined when the server never had the id.
 */
export function decide(
  table: TableName,
  change: { readonly deleted: boolean; readonly local: Fields },
  base: EffectiveBase,
  server: ServerRecord | undefined,
): Decision {
  const asIs: Decision = change.deleted
    ? { kind: 'delete' }
    : { kind: 'write', data: change.local };
  // Nothing to conflict with: a create, or a delete that leaves a tombstone.
  if (!server) return asIs;
  // Before "based on the current revision": deleting a tombstone again would only burn a revision.
  if (change.deleted && server.deleted) return { kind: 'already-deleted', server };
  if (server.rev === base.rev && !base.fromPrior) return asIs;

  const conflict = (fields: string[], reason: string): Decision => ({
    kind: 'conflict',
    server,
    fields,
    reason,
  });
  if (change.deleted) {
    // On top of its own lost write, a delete may go only if that write holds nothing else.
    const seen =
      base.fromPrior &&
      !server.deleted &&
      server.rev === base.rev &&
      base.data &&
      differingFields(table, base.data, server.data ?? {}).length === 0;
    if (seen) return asIs;
    return conflict([], 'it was changed on another device after this device last saw it');
  }
  if (server.deleted) return conflict([], 'it was deleted on another device');
  if (base.rev === null || !base.data) {
    // With no base there is no telling this device's edits from the other side's: every field
    // that differs is in question.
    const differing = differingFields(table, change.local, server.data ?? {});
    return conflict(
      differing,
      base.rev === null
        ? 'a record with this id already exists on the server'
        : 'it was changed on another device, and this change carries no base to merge with',
    );
  }
  const merged = mergeFields(table, base.data, change.local, server.data ?? {});
  if ('clashing' in merged) {
    return conflict(merged.clashing, `${quoted(merged.clashing)} also changed on another device`);
  }
  return { kind: 'write', data: merged.data };
}

/**
 * The three-way merge per declared field, with `l` local, `b` base and `s` server (absent and
 * null alike): `l = b` keeps `s` (not this change's edit); `s = b` or `s = l` takes `l`; anything
 * else clashes. Fields that end up null are left out, as a client leaves out an unset optional.
 */
export function mergeFields(
  table: TableName,
  base: Fields,
  local: Fields,
  server: Fields,
): { data: Fields } | { clashing: string[] } {
  const data: Fields = {};
  const clashing: string[] = [];
  for (const key of Object.keys(tableSpec(table).fields)) {
    const l = field(local, key);
    const b = field(base, key);
    const s = field(server, key);
    let value: unknown;
    if (l === b) value = s;
    else if (s === b || s === l) value = l;
    else {
      clashing.push(key);
      continue;
    }
    if (value !== null) data[key] = value;
  }
  return clashing.length > 0 ? { clashing } : { data };
}

/** Declared fields whose values differ between two versions. */
function differingFields(table: TableName, a: Fields, b: Fields): string[] {
  return Object.keys(tableSpec(table).fields).filter((key) => field(a, key) !== field(b, key));
}

/** A field's value with absent and null the same; only own properties (`toString` is not one). */
function field(fields: Fields, key: string): unknown {
  return Object.hasOwn(fields, key) ? (fields[key] ?? null) : null;
}

function quoted(fields: readonly string[]): string {
  return fields.map((key) => `"${key}"`).join(', ');
}
