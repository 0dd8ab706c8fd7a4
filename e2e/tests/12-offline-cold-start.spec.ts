import { syncRequests } from '../fixtures/journal';
import { expect, test } from '../fixtures/test';
import { DEMO_USERS } from '../pages/login.page';

test('offline cold start: after one online visit, a reload with no network shows the app and the local data', async ({
  page,
  context,
  server,
  shell,
  workOrders,
  logIn,
}) => {
  await logIn(DEMO_USERS.alice);
  await workOrders.expectCount(30);

  // The service worker is installed and has the app shell (index.html and bundles) cached.
  await expect
    .poll(
      () =>
        page.evaluate(async () => {
          const registration = await navigator.serviceWorker.getRegistration();
          if (!registration?.active) return 'no active worker';
          for (const name of await caches.keys()) {
            const cache = await caches.open(name);
            if (await cache.match('/index.html')) return 'cached';
          }
          return 'index.html not cached yet';
        }),
      { timeout: 45_000 },
    )
    .toBe('cached');

  await server.clearJournal();
  await context.setOffline(true);
  await page.reload();

  // The app shell comes from the service worker, the data from the local database.
  await expect(workOrders.heading).toBeVisible();
  await expect(shell.userMenu).toContainText('Alice Andersen');
  await shell.expectBadge('offline');
  await workOrders.expectCount(30);
  expect(
    await page.evaluate(() => navigator.serviceWorker.controller !== null),
    'the page is served by the service worker',
  ).toBe(true);
  // The server saw nothing of this start.
  expect(syncRequests(await server.journal(), 'alice')).toEqual([]);

  // Back online, it syncs as usual.
  await context.setOffline(false);
  await shell.expectBadge('synced');
});
