/**
 * Deleting a record that others reference (a work order and its lines), driven by the
 * registry's `references`: rule 4 of docs/protocol.md refuses to delete a work order while the
 * server still has live lines under it, so "Keep mine" on such a conflicted delete also deletes
 * the order's local lines, as new changes that the push sends before the order's (deletions go
 * children first).
 */
import type { TableSpec } from '../../../../contract/tables';
import type { LocalDbHandle } from './local-database';
import type { ChangeStamp, LocalWrite } from './local-writes';
import { softDeleted } from './local-writes';
import type { StoredDoc } from './push-results';

/** Soft-deletes the local live records referencing `spec`/`id`, and theirs in turn. */
export async function softDeleteReferencing(
  handle: LocalDbHandle,
  spec: TableSpec,
  id: string,
  stamp: () => ChangeStamp,
): Promise<LocalWrite[]> {
  const writes: LocalWrite[] = [];
  for (const child of handle.tables) {
    if (child.kind !== 'transactional') continue;
    for (const [field, fieldSpec] of Object.entries(child.fields)) {
      if (fieldSpec.references !== spec.name) continue;
      const docs = await handle
        .anyTable(child.name)
        .find({ selector: { [field]: id, localDeleted: false } })
        .exec();
      for (const doc of docs) {
        const change = stamp();
        let deleted = false;
        await doc.incrementalModify((current: StoredDoc) => {
          // Deleted (or re-parented) meanwhile: nothing to do for this one.
          deleted = !current._deleted && !current.localDeleted && current[field] === id;
          return deleted ? softDeleted(child, current, change) : current;
        });
        if (!deleted) continue;
        writes.push({ table: child.name, id: doc.id, changeId: change.changeId, deleted: true });
        writes.push(...(await softDeleteReferencing(handle, child, doc.id, stamp)));
      }
    }
  }
  return writes;
}
