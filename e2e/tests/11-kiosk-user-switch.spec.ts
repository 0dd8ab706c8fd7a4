import { localBookkeeping, localRecords, localSummary } from '../fixtures/local-db';
import { TABLES } from '../fixtures/server';
import { expect, test } from '../fixtures/test';
import { DEMO_USERS } from '../pages/login.page';

test('kiosk: alice logs out, bob logs in — nothing of alice is shown or left on the device', async ({
  page,
  context,
  server,
  shell,
  loginPage,
  workOrders,
  orderForm,
  logoutWarning,
  logIn,
}) => {
  // Alice has 25 work orders more than bob (ids wo-000031 … wo-000055 are hers only).
  await server.seed('alice', 'workOrders', 25);
  const aliceApi = await server.session(DEMO_USERS.alice);
  const [aliceCustomer] = [...(await aliceApi.records('customers')).values()];

  await logIn(DEMO_USERS.alice);
  await workOrders.expectCount(55);
  // An unsynced change of hers, made offline.
  await context.setOffline(true);
  await orderForm.create({
    title: 'Alice private order',
    customer: aliceCustomer!.data!['name'] as string,
  });
  await expect(workOrders.summary(56, 1)).toBeVisible();

  // Logging out warns about it; she leaves anyway.
  await shell.chooseLogOut();
  await expect(logoutWarning.heading(1)).toBeVisible();
  await logoutWarning.logOutAnyway.click();
  await loginPage.expectShown();
  await context.setOffline(false);

  await logIn(DEMO_USERS.bob);
  await expect(shell.userMenu).toContainText('Bob Berg');
  await workOrders.expectCount(30);
  await workOrders.filter('Alice private order');
  await expect(page.getByText('No work order matches these filters.')).toBeVisible();

  // The device holds bob's data and only his: every table, id for id and field for field.
  const bobApi = await server.session(DEMO_USERS.bob);
  const local = await localSummary(page);
  for (const table of TABLES) {
    const serverRecords = await bobApi.records(table);
    expect(local[table].ids, table).toEqual([...serverRecords.keys()].sort());
    expect(local[table].pending, table).toBe(0);
    for (const record of await localRecords(page, table)) {
      const theirs = serverRecords.get(record.id)!;
      for (const [field, value] of Object.entries(theirs.data ?? {})) {
        expect(record[field], `${table}/${record.id}.${field}`).toEqual(value);
      }
    }
  }
  const { checkpoints, meta } = await localBookkeeping(page);
  expect(checkpoints.length).toBeGreaterThan(0);
  expect(new Set(checkpoints.map((c) => c['userId']))).toEqual(new Set([bobApi.userId]));
  expect(JSON.stringify(meta)).not.toContain(aliceApi.userId);

  // Nothing of alice's reached the server either.
  const aliceOrders = [...(await aliceApi.records('workOrders')).values()];
  expect(aliceOrders.filter((o) => o.data!['title'] === 'Alice private order')).toEqual([]);
});
