import { describe, pushes } from '../fixtures/journal';
import { localRecords } from '../fixtures/local-db';
import { expect, sessionToken, test } from '../fixtures/test';
import { DEMO_USERS, SESSION_ENDED_MESSAGE } from '../pages/login.page';

test('a 401 mid-sync (token revoked on the server) ends the session; the pending change survives and is pushed after the next login', async ({
  page,
  context,
  server,
  shell,
  loginPage,
  workOrders,
  orderForm,
  logIn,
}) => {
  const ID = 'wo-000003';
  const api = await server.session(DEMO_USERS.alice);
  const title = (await api.records('workOrders')).get(ID)!.data!['title'] as string;
  await logIn(DEMO_USERS.alice);

  // A change made while offline: it waits on the device.
  await context.setOffline(true);
  await shell.expectBadge('offline');
  await workOrders.openOrder(title, ID);
  await orderForm.expectEditing();
  await orderForm.fill({ title: 'Made before the session ended' });
  await orderForm.save('Made before the session ended');

  // The session is revoked server-side (as by an administrator or another device).
  await server.revoke(await sessionToken(page));
  await server.clearJournal();

  // Back online, the push phase's first request gets a 401 (its epoch check, POST
  // /api/sync/records, before the first batch): the session ends, the user is asked to log in.
  await context.setOffline(false);
  await loginPage.expectShown();
  await expect(loginPage.message).toHaveText(SESSION_ENDED_MESSAGE);
  const journal = await server.journal();
  expect(
    journal.filter((e) => e.status === 401).map((e) => e.path),
    describe(journal),
  ).toEqual(['/api/sync/records']);
  expect(pushes(journal).filter((e) => e.status === 200)).toEqual([]);
  expect(await page.evaluate(() => localStorage.getItem('field-sync.session'))).toBeNull();

  // The change is still on the device, still to be sent.
  const [kept] = (await localRecords(page, 'workOrders')).filter((r) => r.id === ID);
  expect(kept).toMatchObject({ title: 'Made before the session ended', syncPending: true });

  // Logging in again (same user: nothing to set up) pushes it.
  await server.clearJournal();
  await logIn(DEMO_USERS.alice, { gate: false });
  await expect
    .poll(async () => (await api.records('workOrders')).get(ID)!.data!['title'])
    .toBe('Made before the session ended');
  await shell.expectBadge('synced');
  const [pushed] = (await localRecords(page, 'workOrders')).filter((r) => r.id === ID);
  expect(pushed).toMatchObject({ title: 'Made before the session ended', syncPending: false });
  const after = await server.journal();
  expect(
    after.every((e) => e.status === 200),
    describe(after),
  ).toBe(true);
});
