/**
 * The server's integrity rules for one push change (docs/protocol.md, "Integrity rules"), as the
 * in-memory fake applies them: the three-way merge (rule 1), deletes of referenced records
 * (rule 4) and the effective base from prior changes (rule 5). Pure: the fake supplies the
 * current version, the effective base and the live referencing records.
 */
import type { PushChange, ServerRecord } from '../../../../contract/protocol';
import { tableSpec } from '../../../../contract/tables';

export type ChangeDecision =
  | { readonly kind: 'write'; readonly data: Record<string, unknown> }
  | { readonly kind: 'delete' }
  /** Applied without a write: both sides deleted it. */
  | { readonly kind: 'noop' }
  | { readonly kind: 'conflict'; readonly fields: string[]; readonly reason: string };

/** The version a change is measured against: what it names, or what a prior of it wrote. */
export interface EffectiveBase {
  readonly rev: number | null;
  readonly data: Record<string, unknown> | null;
}

const same = (a: unknown, b: unknown) => (a ?? null) === (b ?? null);

export function decideChange(
  change: PushChange,
  current: ServerRecord | undefined,
  base: EffectiveBase,
  liveChildren: number,
): ChangeDecision {
  if (!current) return change.deleted ? { kind: 'delete' } : write(change);
  const unmoved = current.rev === base.rev;
  if (change.deleted) {
    if (current.deleted) return { kind: 'noop' };
    if (!unmoved) return conflict([], 'changed on the server since you saw it');
    if (liveChildren > 0) {
      return conflict([], `${liveChildren} live records still refer to it on the server`);
    }
    return { kind: 'delete' };
  }
  if (current.deleted) {
    return unmoved ? write(change) : conflict([], 'deleted on another device');
  }
  // Unmoved with the base it names: write as it is. A base from a prior may differ from what
  // the device saw, so it is always merged.
  if (unmoved && base.data === (change.base ?? null)) return write(change);
  if (base.data === null) return conflict([], 'a record with this id exists already');
  if (unmoved) return merge(change, current, base.data);
  return merge(change, current, base.data);
}

function write(change: PushChange): ChangeDecision {
  return { kind: 'write', data: change.data ?? {} };
}

function conflict(fields: string[], reason: string): ChangeDecision {
  return { kind: 'conflict', fields, reason };
}

/** Per declared field: untouched by the change → the server's; else the change's, unless both moved. */
function merge(
  change: PushChange,
  current: ServerRecord,
  base: Record<string, unknown>,
): ChangeDecision {
  const local = change.data ?? {};
  const server = current.data ?? {};
  const merged: Record<string, unknown> = {};
  const clashes: string[] = [];
  for (const field of Object.keys(tableSpec(change.table).fields)) {
    const [l, b, s] = [local[field], base[field], server[field]];
    const value = same(l, b) ? s : same(s, b) || same(s, l) ? l : undefined;
    if (!same(l, b) && !same(s, b) && !same(s, l)) clashes.push(field);
    if (value !== undefined && value !== null) merged[field] = value;
  }
  if (clashes.length > 0) return conflict(clashes, `both changed ${clashes.join(', ')}`);
  return { kind: 'write', data: merged };
}
