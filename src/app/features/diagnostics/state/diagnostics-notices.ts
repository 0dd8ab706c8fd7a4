/** What the user is told about dead-letter resolutions, in one place (effects and specs). */
import type { DeadLetterResolution } from '../../../sync';
import type { DeadLetterChoice } from './diagnostics.actions';

export const RESOLVE_FAILED_TITLE = 'Could not resolve the change';

export function resolvedNotice(choice: DeadLetterChoice, resolution: DeadLetterResolution): string {
  const what = `${resolution.table} “${resolution.id}”`;
  switch (resolution.result) {
    case 'pending':
      return choice === 'retry'
        ? `${what}: will be sent again with the next sync.`
        : `${what}: your version will be sent with the next sync.`;
    case 'synced':
      return `${what}: now the server's version.`;
    case 'removed':
      return choice === 'keepMine'
        ? `${what}: deleted on both sides, nothing left to send.`
        : `${what}: local change discarded; the server no longer has it.`;
  }
}
