/**
 * A dead-letter resolution as the Diagnostics page runs it: the server's current version is
 * fetched when the user acts (rule 6), then the store resolves against it.
 */
import { firstValueFrom } from 'rxjs';

import type { ServerRecord } from '../contract/protocol';
import type { TableName } from '../contract/tables';
import type { LocalDoc, SimDevice } from './sim-device';

/** What the resolution did to the user's local change. */
export type ResolveOutcome = 'keepMine' | 'dropped' | 'retried' | 'refused';

export async function resolveOnDevice(
  device: SimDevice,
  letter: LocalDoc & { table: TableName },
  action: 'keepMine' | 'useServer' | 'retry' | 'discard',
): Promise<ResolveOutcome> {
  const store = device.store;
  const isConflict = letter.syncConflict !== null;
  try {
    if (action === 'retry' || (!isConflict && action === 'keepMine')) {
      if (isConflict) return 'refused';
      await firstValueFrom(store.retryDeadLetter(letter.table, letter.id));
      return 'retried';
    }
    const current = await fetchCurrent(device, letter.table, letter.id);
    if (action === 'keepMine') {
      await firstValueFrom(store.keepLocalVersion(letter.table, letter.id, current));
      return 'keepMine';
    }
    if (action === 'useServer' && isConflict) {
      await firstValueFrom(store.useServerVersion(letter.table, letter.id, current));
    } else {
      await firstValueFrom(store.discardLocalChange(letter.table, letter.id, current));
    }
    return 'dropped';
  } catch (error) {
    if (error instanceof Error && /DeadLetterNotFound|SyncError/.test(error.name)) return 'refused';
    throw error;
  }
}

async function fetchCurrent(device: SimDevice, table: TableName, id: string): Promise<ServerRecord | null> {
  const response = await firstValueFrom(device.network.records({ table, ids: [id] }));
  return response.records.find((record) => record.id === id) ?? null;
}
