import { expect, type Locator, type Page } from '@playwright/test';

/** The work orders list (`/work-orders`). */
export class WorkOrdersPage {
  readonly heading: Locator;
  readonly search: Locator;
  readonly newButton: Locator;
  readonly rows: Locator;

  constructor(private readonly page: Page) {
    this.heading = page.getByRole('heading', { name: 'Work orders', level: 1 });
    this.search = page.getByLabel('Search by title or customer');
    this.newButton = page.getByRole('link', { name: 'New work order' });
    this.rows = page.locator('table.work-orders tbody tr');
  }

  async open(): Promise<void> {
    await this.page.goto('/work-orders');
    await expect(this.heading).toBeVisible();
  }

  /** "N work orders" (with ", K not synced yet" when some are). */
  summary(count: number, unsynced?: number): Locator {
    const total = `${count.toLocaleString('en-US')} work ${count === 1 ? 'order' : 'orders'}`;
    const rest =
      unsynced === undefined
        ? '(, [\\d,]+ not synced yet)?'
        : unsynced === 0
          ? ''
          : `, ${unsynced.toLocaleString('en-US')} not synced yet`;
    return this.page.getByText(new RegExp(`^${total}${rest}$`));
  }

  async expectCount(count: number, timeout?: number): Promise<void> {
    await expect(this.summary(count)).toBeVisible({ timeout });
  }

  async filter(term: string): Promise<void> {
    await this.search.fill(term);
  }

  /** The row whose title is exactly `title`. */
  row(title: string): Locator {
    return this.rows.filter({
      has: this.page.getByRole('link', { name: title, exact: true }),
    });
  }

  /**
   * Opens a work order from the list (its title links to the form): in-app navigation, so it
   * works offline. Titles repeat in the demo data: pass the id to pick one.
   */
  async openOrder(title: string, id?: string): Promise<void> {
    await this.filter(title);
    const links = this.row(title).getByRole('link', { name: title, exact: true });
    await (id ? links.and(this.page.locator(`a[href="/work-orders/${id}"]`)) : links).click();
  }
}
