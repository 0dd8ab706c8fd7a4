import { expect, type Locator, type Page } from '@playwright/test';

export type BadgeState =
  'synced' | 'pending' | 'syncing' | 'queued' | 'offline' | 'dead letter' | 'failed';

/** The logged-in layout: app bar with navigation, the sync badge and the user menu. */
export class ShellPage {
  readonly badge: Locator;
  readonly userMenu: Locator;

  constructor(private readonly page: Page) {
    this.badge = page.getByRole('button', { name: /^Sync status: / });
    this.userMenu = page.getByRole('button', { name: 'User menu' });
  }

  badgeIn(state: BadgeState): Locator {
    return this.page.getByRole('button', { name: `Sync status: ${state}`, exact: true });
  }

  async expectBadge(state: BadgeState, timeout?: number): Promise<void> {
    await expect(this.badge).toHaveAccessibleName(`Sync status: ${state}`, { timeout });
  }

  /** The badge's state word, e.g. 'synced'. */
  async badgeState(): Promise<string> {
    const name = (await this.badge.getAttribute('aria-label')) ?? '';
    return name.replace(/^Sync status: /, '');
  }

  /** A tap on the badge: sync now. */
  async tapBadge(): Promise<void> {
    await this.badge.click();
  }

  async openUserMenu(): Promise<void> {
    await this.userMenu.click();
  }

  /** User menu → Log out (a confirmation, if the app asks one, is left to the caller). */
  async chooseLogOut(): Promise<void> {
    await this.openUserMenu();
    await this.page.getByRole('menuitem', { name: 'Log out' }).click();
  }

  async goTo(link: string): Promise<void> {
    await this.page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: link })
      .click();
  }
}
