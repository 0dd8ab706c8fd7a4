import { expect, type Locator, type Page } from '@playwright/test';

export interface OrderInput {
  title: string;
  /** Part of a customer's name, typed into the picker; the first match is chosen. */
  customer?: string;
  status?: 'Open' | 'In progress' | 'Done' | 'Cancelled';
  notes?: string;
  /** Lines to add: part of a product's name or SKU, and a quantity. */
  lines?: { product: string; quantity: number }[];
}

/** The work order form: `/work-orders/new` and `/work-orders/:id`. */
export class WorkOrderFormPage {
  readonly title: Locator;
  readonly customer: Locator;
  readonly status: Locator;
  readonly notes: Locator;
  readonly saveButton: Locator;
  /** "Changed on another device or tab: …": the record changed under the open form. */
  readonly changeNotice: Locator;
  /** The record was deleted while the form was open. */
  readonly deletedNotice: Locator;

  constructor(private readonly page: Page) {
    this.title = page.getByRole('textbox', { name: 'Title' });
    this.customer = page.getByRole('combobox', { name: 'Customer' });
    this.status = page.getByRole('combobox', { name: 'Status' });
    this.notes = page.getByRole('textbox', { name: 'Notes' });
    this.saveButton = page.getByRole('button', { name: 'Save' });
    this.changeNotice = page
      .getByRole('status')
      .filter({ hasText: 'Changed on another device or tab:' });
    this.deletedNotice = page
      .getByRole('alert')
      .filter({ hasText: 'This work order was deleted on another device' });
  }

  /** From the list: its "New work order" link (in-app navigation, works offline). */
  async openNew(): Promise<void> {
    await this.page.getByRole('link', { name: 'New work order' }).click();
    await expect(this.page.getByRole('heading', { name: 'New work order' })).toBeVisible();
  }

  async open(id: string): Promise<void> {
    await this.page.goto(`/work-orders/${id}`);
    await this.expectEditing();
  }

  async expectEditing(): Promise<void> {
    await expect(this.page.getByRole('heading', { name: 'Edit work order' })).toBeVisible();
    await expect(this.title).not.toHaveValue('');
  }

  async fill(input: Partial<OrderInput>): Promise<void> {
    if (input.title !== undefined) await this.title.fill(input.title);
    if (input.customer !== undefined) {
      await this.customer.fill(input.customer);
      await this.page.getByRole('option').filter({ hasText: input.customer }).first().click();
    }
    if (input.status !== undefined) {
      await this.status.click();
      await this.page.getByRole('option', { name: input.status, exact: true }).click();
    }
    if (input.notes !== undefined) await this.notes.fill(input.notes);
    for (const line of input.lines ?? []) {
      await this.page.getByRole('button', { name: 'Add line' }).click();
      const group = this.page.getByRole('group', { name: /^Line \d+$/ }).last();
      await group.getByRole('combobox', { name: 'Product' }).fill(line.product);
      await this.page.getByRole('option').filter({ hasText: line.product }).first().click();
      await group.getByRole('spinbutton', { name: 'Quantity' }).fill(String(line.quantity));
    }
  }

  /**
   * Saves; the app goes back to the list and confirms with a toast. Resolves with the time
   * the Save button was clicked.
   */
  async save(title: string): Promise<number> {
    await this.saveButton.click();
    const clickedAt = Date.now();
    await expect(this.page).toHaveURL(/\/work-orders$/);
    await expect(
      this.page.locator('.toast-message', { hasText: `“${title}” saved.` }).first(),
    ).toBeVisible();
    return clickedAt;
  }

  async create(input: OrderInput): Promise<void> {
    await this.openNew();
    await this.fill(input);
    await this.save(input.title);
  }
}
