/**
 * What users did, and the invariants checked against it after the quiet phase. Every tracked
 * value a user types is unique in its history (`T12` is the title typed at step 12), so a value
 * seen anywhere names the edit that made it: a later edit of a field that held `T12` on that
 * device was made by someone who saw `T12`, and supersedes it.
 */
import type { ServerRecord } from '../contract/protocol';

/** Fields whose values are unique per history; status is an enum and can't name an edit. */
export const TRACKED_FIELDS = ['title', 'notes', 'quantity', 'note'] as const;

type Settled = 'superseded' | 'told' | 'restored-away';

interface Edit {
  readonly key: string;
  readonly field: string;
  readonly value: unknown;
  readonly where: string;
  settled: Settled | null;
}

export type Fields = Readonly<Record<string, unknown>>;

/** A record as one device holds it: its fields, and whether the device has deleted it. */
export type Held = Fields & { readonly id: string; readonly localDeleted?: boolean };

export class Ledger {
  private readonly edits: Edit[] = [];
  private readonly deletes: { key: string; step: number; where: string; dropped: boolean }[] = [];
  /** Steps at which someone chose "Keep mine" for a record, by key: may bring a deletion back. */
  private readonly kept = new Map<string, number[]>();
  /** Restores, with the step the backup was taken at. */
  private readonly restores: { backup: number; step: number }[] = [];

  /** A user wrote `changed` (a record or a patch of one) over `before` (undefined: a new record). */
  write(key: string, before: Fields | undefined, changed: object, where: string): void {
    for (const [field, value] of Object.entries(changed)) {
      if (!isTracked(field)) continue;
      if (before) this.settle(key, field, before[field], 'superseded');
      if (value !== undefined && value !== null) {
        this.edits.push({ key, field, value, where, settled: null });
      }
    }
  }

  /** A user deleted the record they saw as `before`. */
  delete(key: string, before: Fields, step: number, where: string): void {
    for (const field of TRACKED_FIELDS) this.settle(key, field, before[field], 'superseded');
    this.deletes.push({ key, step, where, dropped: false });
  }

  /**
   * "Keep mine" on a conflicted deletion of an order also deletes the device's live lines of it
   * (rule 4 of docs/protocol.md): each line the resolution turned from live (`before`) to deleted
   * (`after`) on that device counts as the user deleting it as the device held it, unsent edits
   * of that device's included. Lines it left alone, and values the device never held (another
   * device's edit it had not pulled), are not covered.
   */
  cascadeDeleted(
    table: string,
    before: readonly Held[],
    after: readonly Held[],
    step: number,
    where: string,
  ): void {
    const deleted = new Set(after.filter((doc) => doc.localDeleted).map((doc) => doc.id));
    for (const doc of before) {
      if (!doc.localDeleted && deleted.has(doc.id))
        this.delete(`${table}|${doc.id}`, doc, step, where);
    }
  }

  /** The user dropped their own parked deletion of the record ("Use server's", "Discard"). */
  droppedDelete(key: string, step: number): void {
    for (const entry of this.deletes)
      if (entry.key === key && entry.step < step) entry.dropped = true;
  }

  /**
   * A user was shown `version` of a record and chose to drop it (a dead-letter resolution);
   * `keptMine`: the choice was "Keep mine", which may re-create a record deleted elsewhere.
   */
  told(key: string, version: Fields | null | undefined, step: number, keptMine = false): void {
    if (keptMine) this.kept.set(key, [...(this.kept.get(key) ?? []), step]);
    if (!version) return;
    for (const field of TRACKED_FIELDS) this.settle(key, field, version[field], 'told');
  }

  /**
   * The server went back to a backup: edits it had acknowledged since are gone by design, unless
   * a device still holds them as local changes (then they must come back as conflicts).
   */
  restored(
    step: number,
    backup: number,
    kept: (key: string, field: string, value: unknown) => boolean,
  ): void {
    this.restores.push({ backup, step });
    for (const edit of this.edits) {
      if (edit.settled === null && !kept(edit.key, edit.field, edit.value)) {
        edit.settled = 'restored-away';
      }
    }
  }

  /** Silent losses and resurrections, as readable lines. */
  violations(server: ReadonlyMap<string, ServerRecord>): string[] {
    const found: string[] = [];
    for (const edit of this.edits) {
      if (edit.settled !== null) continue;
      const record = server.get(edit.key);
      const value = record && !record.deleted ? record.data?.[edit.field] : undefined;
      if (value !== edit.value) {
        found.push(
          `lost edit: ${edit.key} ${edit.field}=${JSON.stringify(edit.value)} (${edit.where}); ` +
            `the server has ${record?.deleted ? 'a tombstone' : JSON.stringify(value)}`,
        );
      }
    }
    for (const { key, step, where, dropped } of this.deletes) {
      const record = server.get(key);
      if (dropped || !record || record.deleted) continue;
      // Only a "Keep mine" after the delete, or a restore after it, may bring a deleted record
      // back. (A restore can: the delete may have reached the server after the backup was
      // taken, whenever the user made it.)
      const explained =
        (this.kept.get(key) ?? []).some((at) => at > step) ||
        this.restores.some((restore) => restore.step > step);
      if (!explained) found.push(`resurrected: ${key} was deleted (${where}) and is live again`);
    }
    return found;
  }

  private settle(key: string, field: string, value: unknown, how: Settled): void {
    if (value === undefined || value === null) return;
    for (const edit of this.edits) {
      if (
        edit.settled === null &&
        edit.key === key &&
        edit.field === field &&
        edit.value === value
      ) {
        edit.settled = how;
      }
    }
  }
}

function isTracked(field: string): boolean {
  return (TRACKED_FIELDS as readonly string[]).includes(field);
}
