import { describe, pulls, pushes, syncRequests } from '../fixtures/journal';
import { localRecords } from '../fixtures/local-db';
import { expect, test } from '../fixtures/test';
import { DEMO_USERS } from '../pages/login.page';

test('a record edited while a pull brings a server change to it: the local edit is kept and resolved, never lost', async ({
  page,
  server,
  shell,
  workOrders,
  orderForm,
  diagnostics,
  logIn,
}) => {
  const ID = 'wo-000001';
  await logIn(DEMO_USERS.alice);

  // Another device changes the record on the server.
  const other = await server.session(DEMO_USERS.alice);
  const before = (await other.records('workOrders')).get(ID)!;
  const title = before.data!['title'] as string;
  const pushed = await other.push([
    {
      table: 'workOrders',
      id: ID,
      changeId: `e2e-other-device-${Date.now()}`,
      baseRev: before.rev,
      deleted: false,
      data: { ...before.data, title: 'Changed on another device' },
    },
  ]);
  expect(pushed.results[0]!.status).toBe('applied');

  // The user opens the record; then a sync starts, and its pull is held on the server 8 s: long
  // enough to edit and save on a loaded machine (3 s was not, with the load average at 20).
  await workOrders.openOrder(title, ID);
  await orderForm.expectEditing();
  await server.clearJournal();
  await server.faults({ mode: 'delay', ms: 8_000, count: 1 });
  await shell.tapBadge();
  // The pull has reached the server (it took the fault) and waits there.
  await expect.poll(() => server.pendingFaults(), { timeout: 15_000 }).toEqual([]);
  const editedAt = Date.now();
  await orderForm.fill({ title: 'Edited during the pull' });
  await orderForm.save('Edited during the pull');
  const savedAt = Date.now();

  // The pull ended after the save: it brought the other device's version meanwhile.
  await expect
    .poll(async () => pulls(syncRequests(await server.journal(), 'alice')).length)
    .toBeGreaterThanOrEqual(1);
  const heldPull = pulls(syncRequests(await server.journal(), 'alice'))[0]!;
  expect(heldPull.startedAt).toBeLessThan(editedAt);
  expect(heldPull.endedAt).toBeGreaterThan(savedAt);

  // The local edit survived the pull and was pushed: the server answered with a conflict, so
  // the change waits as a dead letter, with both versions shown.
  await shell.expectBadge('dead letter', 30_000);
  const [local] = (await localRecords(page, 'workOrders')).filter((r) => r.id === ID);
  expect(local!['title']).toBe('Edited during the pull');
  const journal = syncRequests(await server.journal(), 'alice');
  expect(pushes(journal).length, describe(journal)).toBeGreaterThanOrEqual(1);
  expect((await other.records('workOrders')).get(ID)!.data!['title']).toBe(
    'Changed on another device',
  );

  await shell.goTo('Diagnostics');
  await diagnostics.openDeadLetters(1);
  const letter = diagnostics.letter(ID);
  await expect(letter).toContainText('Conflict');
  await expect(letter).toContainText('Edited during the pull');
  await expect(letter).toContainText('Changed on another device');

  // "Keep mine": the local edit wins on the server.
  await diagnostics.resolve(ID, 'Keep mine');
  await shell.expectBadge('synced', 30_000);
  await expect(diagnostics.noDeadLetters()).toBeVisible();
  const after = (await other.records('workOrders')).get(ID)!;
  expect(after.data!['title']).toBe('Edited during the pull');
  expect(after.rev).toBeGreaterThan(before.rev);
  const [resolved] = (await localRecords(page, 'workOrders')).filter((r) => r.id === ID);
  expect(resolved).toMatchObject({
    title: 'Edited during the pull',
    syncPending: false,
    syncDeadLetter: false,
  });
});
