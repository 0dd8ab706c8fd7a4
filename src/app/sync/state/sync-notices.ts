/** What the user is told about syncing, in one place (effects and tests read it from here). */
export const QUEUED_NOTICE = 'Sync already in progress — your request is queued';
