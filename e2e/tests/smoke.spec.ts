import { expect, test } from '../fixtures/test';
import { DEMO_USERS } from '../pages/login.page';

test('alice logs in, her work orders sync, and the badge says synced', async ({
  page,
  server,
  loginPage,
  shell,
}) => {
  await loginPage.open();
  await loginPage.logIn(DEMO_USERS.alice);

  await expect(page.getByRole('heading', { name: 'Work orders' })).toBeVisible();
  await expect(shell.userMenu).toContainText('Alice Andersen');
  await expect(page.getByRole('button', { name: 'Sync status: synced' })).toBeVisible();
  await expect(page.getByText('30 work orders', { exact: true })).toBeVisible();

  const journal = await server.journal();
  expect(
    journal.some((entry) => entry.username === 'alice' && entry.path === '/api/sync/pull'),
  ).toBe(true);
  expect(journal.every((entry) => entry.status === 200)).toBe(true);
  await page.screenshot({ path: 'e2e/artifacts/smoke.png' });
});

test('a wrong password shows a clear message and stays on the login page', async ({
  page,
  server: _server,
  loginPage,
}) => {
  await loginPage.open();
  await loginPage.logIn({ username: 'alice', password: 'not-her-password' });

  await expect(page.getByRole('alert')).toHaveText('Wrong username or password.');
  await expect(page).toHaveURL(/\/login$/);
});
