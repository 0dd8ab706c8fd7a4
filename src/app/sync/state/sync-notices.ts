/** What the user is told about syncing, in one place (effects, specs and e2e read it from here). */
export const QUEUED_NOTICE = 'Sync already in progress — your request is queued';

/** A failed engine start: said once, plainly, and it stays until the user closes it. */
export function startFailedNotice(reason: string): string {
  return (
    `Sync could not start on this device (${reason}). Changes are not sent or received until ` +
    'it does: reload the app, or log out and in again.'
  );
}
