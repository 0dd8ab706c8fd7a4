import type { Locator, Page } from '@playwright/test';

/** "N unsynced changes will be lost": asked before a logout that would lose local changes. */
export class LogoutWarningDialog {
  readonly dialog: Locator;
  readonly syncFirst: Locator;
  readonly logOutAnyway: Locator;
  readonly cancel: Locator;

  constructor(page: Page) {
    this.dialog = page.getByRole('dialog').filter({ hasText: /unsynced changes? will be lost/ });
    this.syncFirst = this.dialog.getByRole('button', { name: 'Sync first' });
    this.logOutAnyway = this.dialog.getByRole('button', { name: 'Log out anyway' });
    this.cancel = this.dialog.getByRole('button', { name: 'Cancel' });
  }

  heading(count: number): Locator {
    return this.dialog.getByRole('heading', {
      name:
        count === 1 ? '1 unsynced change will be lost' : `${count} unsynced changes will be lost`,
    });
  }
}
