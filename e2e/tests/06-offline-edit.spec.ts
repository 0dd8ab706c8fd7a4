import { describe, overlappingPairs, pushes, syncRequests } from '../fixtures/journal';
import { localRecords, localSummary } from '../fixtures/local-db';
import { TABLES } from '../fixtures/server';
import { expect, test } from '../fixtures/test';
import { DEMO_USERS } from '../pages/login.page';

test('offline: created and edited work orders wait on the device, then reach the server exactly once', async ({
  page,
  context,
  server,
  shell,
  workOrders,
  orderForm,
  logIn,
}) => {
  const api = await server.session(DEMO_USERS.alice);
  const [customer1, customer2] = [...(await api.records('customers')).values()];
  const [product] = [...(await api.records('products')).values()];
  const existing = (await api.records('workOrders')).get('wo-000001')!;
  const existingTitle = existing.data!['title'] as string;
  const editedTitle = `${existingTitle} (edited offline)`;

  await logIn(DEMO_USERS.alice);
  await server.clearJournal();
  const offlineAt = Date.now();
  await context.setOffline(true);
  await shell.expectBadge('offline');

  // Two new orders (one with a line), an edit of a synced one, and a second edit of a new one.
  await orderForm.create({
    title: 'Offline order A',
    customer: customer1!.data!['name'] as string,
    lines: [{ product: product!.data!['name'] as string, quantity: 2 }],
  });
  await orderForm.create({
    title: 'Offline order B',
    customer: customer2!.data!['name'] as string,
  });
  await workOrders.openOrder(existingTitle, 'wo-000001');
  await orderForm.expectEditing();
  await orderForm.fill({ title: editedTitle });
  await orderForm.save(editedTitle);
  // (A second edit of B, not of A: see the next test for A's case.)
  await workOrders.openOrder('Offline order B');
  await orderForm.expectEditing();
  await orderForm.fill({ title: 'Offline order B v2', status: 'In progress' });
  await orderForm.save('Offline order B v2');

  await workOrders.filter('');
  await expect(workOrders.summary(32, 3)).toBeVisible();
  await shell.expectBadge('offline');
  const whileOffline = await localSummary(page);
  expect(whileOffline.workOrders.pending).toBe(3);
  expect(whileOffline.workOrderLines.pending).toBe(1);
  // Nothing reached the server while offline.
  expect(syncRequests(await server.journal(), 'alice')).toEqual([]);

  const onlineAt = Date.now();
  await context.setOffline(false);
  await shell.expectBadge('synced', 30_000);
  await expect(workOrders.summary(32, 0)).toBeVisible();

  // The journal: the pushes came after going online, all accepted, one request at a time.
  const journal = syncRequests(await server.journal(), 'alice');
  expect(pushes(journal).length, describe(journal)).toBeGreaterThanOrEqual(1);
  expect(journal.every((e) => e.startedAt >= onlineAt && e.startedAt > offlineAt)).toBe(true);
  expect(
    journal.every((e) => e.status === 200),
    describe(journal),
  ).toBe(true);
  expect(overlappingPairs(journal)).toEqual([]);

  // The server: exactly those records, each once, with their last version.
  const orders = [...(await api.records('workOrders')).values()];
  const titled = (title: string) => orders.filter((o) => o.data!['title'] === title);
  expect(orders).toHaveLength(32);
  expect(titled('Offline order A')).toHaveLength(1);
  expect(titled('Offline order A')[0]!.data!['customerId']).toBe(customer1!.id);
  expect(titled('Offline order B')).toHaveLength(0);
  expect(titled('Offline order B v2')).toHaveLength(1);
  expect(titled('Offline order B v2')[0]!.data!['status']).toBe('inProgress');
  expect(titled('Offline order B v2')[0]!.data!['customerId']).toBe(customer2!.id);
  expect(titled(editedTitle).map((o) => o.id)).toEqual(['wo-000001']);
  const orderA = titled('Offline order A')[0]!;
  const linesOfA = [...(await api.records('workOrderLines')).values()].filter(
    (l) => l.data!['workOrderId'] === orderA.id,
  );
  expect(linesOfA.map((l) => [l.data!['productId'], l.data!['quantity']])).toEqual([
    [product!.id, 2],
  ]);

  // And the device agrees with it, with nothing left to send.
  const manifest = await api.manifest();
  const local = await localSummary(page);
  for (const table of TABLES) {
    expect(local[table].count, table).toBe(manifest[table]);
    expect(local[table].pending, table).toBe(0);
  }
});

// Re-saving the order re-stamps it but not its unchanged line; the push still creates the order
// first, because a batch goes in registry order (work orders before their lines).
test('offline: a new order with a line, edited again before going online, is pushed whole by the first sync', async ({
  page,
  context,
  server,
  shell,
  workOrders,
  orderForm,
  logIn,
}) => {
  const api = await server.session(DEMO_USERS.alice);
  const [customer] = [...(await api.records('customers')).values()];
  const [product] = [...(await api.records('products')).values()];
  await logIn(DEMO_USERS.alice);
  await context.setOffline(true);
  await orderForm.create({
    title: 'Order with a line',
    customer: customer!.data!['name'] as string,
    lines: [{ product: product!.data!['name'] as string, quantity: 3 }],
  });
  await workOrders.openOrder('Order with a line');
  await orderForm.expectEditing();
  await expect(page.getByRole('group', { name: 'Line 1' })).toBeVisible();
  await orderForm.fill({ title: 'Order with a line, edited' });
  await orderForm.save('Order with a line, edited');
  await server.clearJournal();

  await context.setOffline(false);
  // The first push after going online, and its results written on the device.
  await expect
    .poll(async () => pushes(syncRequests(await server.journal(), 'alice')).length)
    .toBeGreaterThanOrEqual(1);
  await expect
    .poll(async () =>
      (await localRecords(page, 'workOrderLines')).some(
        (r) => r.syncPending && r.syncAttempts === 0,
      ),
    )
    .toBe(false);
  const line = (await localRecords(page, 'workOrderLines')).find(
    (r) => r.syncPending || r.syncAttempts > 0,
  );
  expect(line?.syncError ?? '', 'the line was rejected by the first push').toBe('');
  await shell.expectBadge('synced');
  const orders = [...(await api.records('workOrders')).values()];
  const order = orders.find((o) => o.data!['title'] === 'Order with a line, edited')!;
  const lines = [...(await api.records('workOrderLines')).values()].filter(
    (l) => l.data!['workOrderId'] === order.id,
  );
  expect(lines).toHaveLength(1);
});
