import { expect, type Page } from '@playwright/test';

export const DEMO_USERS = {
  alice: { username: 'alice', password: 'alice-demo-pass', name: 'Alice Andersen' },
  bob: { username: 'bob', password: 'bob-demo-pass', name: 'Bob Berg' },
} as const;

export type DemoUser = (typeof DEMO_USERS)[keyof typeof DEMO_USERS];

export const SESSION_ENDED_MESSAGE = 'Your session has ended. Please log in again.';

export class LoginPage {
  readonly heading;
  readonly message;

  constructor(private readonly page: Page) {
    this.heading = page.getByRole('heading', { name: 'Field Sync' });
    this.message = page.locator('.login-message');
  }

  async open(): Promise<void> {
    await this.page.goto('/login');
  }

  async logIn(user: { username: string; password: string }): Promise<void> {
    await this.page.getByLabel('Username').fill(user.username);
    await this.page.getByLabel('Password').fill(user.password);
    await this.page.getByRole('button', { name: 'Log in' }).click();
  }

  async expectShown(): Promise<void> {
    await expect(this.page).toHaveURL(/\/login$/);
    await expect(this.page.getByRole('button', { name: 'Log in' })).toBeVisible();
  }
}
