import { LocalWriteBlockedError } from '../../sync';
import { InvalidWorkOrderError } from './work-order-repository';

/** Words for the toast; the data layer's own messages are already written for users. */
export function writeError(error: unknown, what: 'saved' | 'deleted'): string {
  if (error instanceof LocalWriteBlockedError) {
    return (
      `The work order could not be ${what} yet: the first download of your data is still ` +
      'running. Your input is kept; try again when it has finished.'
    );
  }
  if (error instanceof InvalidWorkOrderError) return error.message;
  const detail = error instanceof Error ? ` (${error.message})` : '';
  return `The work order could not be ${what} on this device${detail}. Your input is kept.`;
}
