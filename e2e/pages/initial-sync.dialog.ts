import { expect, type Locator, type Page } from '@playwright/test';

/** "Setting up this device": the blocking initial-sync dialog. */
export class InitialSyncDialog {
  readonly dialog: Locator;
  readonly status: Locator;
  readonly tableList: Locator;
  readonly error: Locator;
  readonly cancelAndLogOut: Locator;
  readonly tryAgain: Locator;

  constructor(page: Page) {
    this.dialog = page.getByRole('dialog', { name: 'Setting up this device' });
    this.status = this.dialog.getByRole('status');
    this.tableList = this.dialog.getByRole('listitem');
    this.error = this.dialog.getByRole('alert');
    this.cancelAndLogOut = this.dialog.getByRole('button', { name: 'Cancel and log out' });
    this.tryAgain = this.dialog.getByRole('button', { name: 'Try again' });
  }

  async expectOpen(): Promise<void> {
    await expect(this.dialog).toBeVisible();
  }

  async expectClosed(timeout?: number): Promise<void> {
    await expect(this.dialog).toBeHidden({ timeout });
  }

  async expectFailed(timeout?: number): Promise<void> {
    await expect(this.cancelAndLogOut).toBeVisible({ timeout });
    await expect(this.tryAgain).toBeVisible();
  }
}
