import { describe, syncRequests } from '../fixtures/journal';
import { localRecords } from '../fixtures/local-db';
import { expect, test } from '../fixtures/test';
import { editRejectedOrder, REJECTED_ID } from '../fixtures/rejected-edit';

test('a change the server rejects three times becomes a dead letter; "Retry" after the fix pushes it', async ({
  page,
  server,
  shell,
  workOrders,
  orderForm,
  diagnostics,
  logIn,
}) => {
  // The save pushes once (after the post-setup hold); each tap on the badge pushes it again.
  const ID = REJECTED_ID;
  const {
    api,
    before: title,
    pushCount,
  } = await editRejectedOrder(
    { server, logIn, workOrders, orderForm },
    'Rejected three times, then accepted',
  );
  await shell.expectBadge('pending');
  await shell.tapBadge();
  await expect.poll(pushCount).toBe(2);
  await shell.expectBadge('pending');
  await shell.tapBadge();
  await expect.poll(pushCount).toBe(3);

  // Third rejection: given up on, shown as a dead letter; the server still has the old title.
  await shell.expectBadge('dead letter');
  const [letter] = (await localRecords(page, 'workOrders')).filter((r) => r.id === ID);
  expect(letter).toMatchObject({
    title: 'Rejected three times, then accepted',
    syncDeadLetter: true,
    syncAttempts: 3,
  });
  expect((await api.records('workOrders')).get(ID)!.data!['title']).toBe(title);

  // More taps do not send it again.
  await shell.tapBadge();
  await expect
    .poll(
      async () =>
        syncRequests(await server.journal(), 'alice').filter((e) => e.path === '/api/sync/pull')
          .length,
    )
    .toBeGreaterThanOrEqual(4);
  expect(await pushCount()).toBe(3);

  await shell.goTo('Diagnostics');
  await diagnostics.openDeadLetters(1);
  const card = diagnostics.letter(ID);
  await expect(card).toContainText('Rejected');
  await expect(card).toContainText('rejected by test fault');
  await expect(card).toContainText('3 attempts');
  await expect(card).toContainText('Rejected three times, then accepted');

  // The reject rule is used up: Retry pushes it, and it is accepted.
  await diagnostics.resolve(ID, 'Retry');
  await shell.expectBadge('synced', 15_000);
  await expect(diagnostics.noDeadLetters()).toBeVisible();
  await expect.poll(pushCount).toBe(4);
  const journal = syncRequests(await server.journal(), 'alice');
  expect(
    journal.every((e) => e.status === 200),
    describe(journal),
  ).toBe(true);
  expect((await api.records('workOrders')).get(ID)!.data!['title']).toBe(
    'Rejected three times, then accepted',
  );
  const [synced] = (await localRecords(page, 'workOrders')).filter((r) => r.id === ID);
  expect(synced).toMatchObject({ syncPending: false, syncDeadLetter: false });
});
