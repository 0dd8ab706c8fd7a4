/**
 * A dead-letter resolution as the Diagnostics page runs it, through the app's own resolver: the
 * server's current version is fetched when the user acts (rule 6), then the store resolves.
 */
import { firstValueFrom } from 'rxjs';

import type { TableName } from '../contract/tables';
import {
  resolveDeadLetter,
  type DeadLetterChoice,
} from '../src/app/sync/engine/dead-letter-resolver';
import type { SyncApi } from '../src/app/sync/transport/sync-transport';
import type { LocalDoc, SimDevice } from './sim-device';

/** What the resolution did to the user's local change. */
export type ResolveOutcome = 'keepMine' | 'dropped' | 'retried' | 'refused';

export async function resolveOnDevice(
  device: SimDevice,
  letter: LocalDoc & { table: TableName },
  choice: DeadLetterChoice,
): Promise<ResolveOutcome> {
  const isConflict = letter.syncConflict !== null;
  // The page offers "Keep mine" and "Use server's" for conflicts, "Retry" for rejections.
  if (isConflict && choice === 'retry') return 'refused';
  const action: DeadLetterChoice =
    !isConflict && choice === 'keepMine'
      ? 'retry'
      : !isConflict && choice === 'useServer'
        ? 'discard'
        : choice;
  try {
    const deps = { store: device.store, api: device.network as unknown as SyncApi };
    await firstValueFrom(resolveDeadLetter(deps, action, letter.table, letter.id));
  } catch (error) {
    if (
      error instanceof Error &&
      /DeadLetterNotFound|ResolutionUnavailable|SyncError/.test(error.name)
    ) {
      return 'refused';
    }
    throw error;
  }
  if (action === 'retry') return 'retried';
  return action === 'keepMine' ? 'keepMine' : 'dropped';
}
