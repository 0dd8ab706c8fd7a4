import { expect, type Locator, type Page } from '@playwright/test';

export type BadgeState =
  'synced' | 'pending' | 'syncing' | 'queued' | 'offline' | 'dead letter' | 'failed';

/** The logged-in layout: app bar with navigation, the sync badge and the user menu. */
export class ShellPage {
  readonly badge: Locator;
  readonly userMenu: Locator;

  constructor(private readonly page: Page) {
    this.badge = page.getByRole('button', { name: /^Sync status: / });
    // Named "<user's name>, user menu": the visible name first (WCAG 2.5.3, label in name).
    this.userMenu = page.getByRole('button', { name: /user menu$/i });
  }

  badgeIn(state: BadgeState): Locator {
    return this.page.getByRole('button', { name: badgeName(state) });
  }

  async expectBadge(state: BadgeState, timeout?: number): Promise<void> {
    await expect(this.badge).toHaveAccessibleName(badgeName(state), { timeout });
  }

  /** The badge's state word, e.g. 'synced' (without the count it may show). */
  async badgeState(): Promise<string> {
    return badgeStateOf((await this.badge.getAttribute('aria-label')) ?? '');
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

/**
 * The badge's name is "Sync status: <state>", followed by ", <n> unsynced changes" (or
 * ", <n> dead letters") when it shows a count.
 */
function badgeName(state: BadgeState): RegExp {
  return new RegExp(`^Sync status: ${state}(, \\d+ [a-z ]+)?$`);
}

function badgeStateOf(name: string): string {
  return name.replace(/^Sync status: /, '').replace(/, \d+ [a-z ]+$/, '');
}
