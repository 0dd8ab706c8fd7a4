import { expect, type Locator, type Page } from '@playwright/test';

/** `/diagnostics`: sync log, sync timeline, dead letters. */
export class DiagnosticsPage {
  readonly heading: Locator;
  /** The sync log's scrolling list (a virtual-scroll viewport). */
  readonly syncLog: Locator;

  constructor(private readonly page: Page) {
    this.heading = page.getByRole('heading', { name: 'Diagnostics', level: 1 });
    this.syncLog = page.getByRole('list', { name: 'Sync log' });
  }

  async open(): Promise<void> {
    await this.page.goto('/diagnostics');
    await expect(this.heading).toBeVisible();
  }

  async openDeadLetters(count?: number): Promise<void> {
    const name = count === undefined ? /^Dead letters/ : `Dead letters (${count})`;
    await this.page.getByRole('tab', { name }).click();
  }

  /** The dead-letter card of a record, found by the id in its title. */
  letter(id: string): Locator {
    return this.page.locator('mat-card.letter').filter({
      has: this.page.locator('mat-card-title', { hasText: new RegExp(`· ${id}$`) }),
    });
  }

  async resolve(
    id: string,
    action: 'Keep mine' | "Use server's" | 'Retry' | 'Discard',
  ): Promise<void> {
    await this.letter(id).getByRole('button', { name: action, exact: true }).click();
  }

  noDeadLetters(): Locator {
    return this.page.getByText('No dead letters: every local change was accepted');
  }
}
