import type { Page } from '@playwright/test';

export const DEMO_USERS = {
  alice: { username: 'alice', password: 'alice-demo-pass', name: 'Alice Andersen' },
  bob: { username: 'bob', password: 'bob-demo-pass', name: 'Bob Berg' },
} as const;

export class LoginPage {
  constructor(private readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.goto('/login');
  }

  async logIn(user: { username: string; password: string }): Promise<void> {
    await this.page.getByLabel('Username').fill(user.username);
    await this.page.getByLabel('Password').fill(user.password);
    await this.page.getByRole('button', { name: 'Log in' }).click();
  }
}
