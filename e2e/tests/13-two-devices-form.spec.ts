import { pushes, syncRequests } from '../fixtures/journal';
import { localRecords } from '../fixtures/local-db';
import { expect, test } from '../fixtures/test';
import { DEMO_USERS } from '../pages/login.page';
import { ShellPage } from '../pages/shell.page';
import { WorkOrderFormPage } from '../pages/work-order-form.page';
import { WorkOrdersPage } from '../pages/work-orders.page';
import { installScreenRecorder } from '../support/screen-recorder';

const ID = 'wo-000001';

// Issue 12, history 1: the form wrote its whole one-shot snapshot, so B's title edit silently
// put back the status and notes A had changed meanwhile. Now B's form takes A's change in, says
// so, and B's save sends only the title: the server ends with both devices' edits.
test("two devices: a change pulled while the form is open is shown, and B's save keeps A's edit", async ({
  page,
  browser,
  server,
  shell,
  workOrders,
  orderForm,
  logIn,
}) => {
  test.setTimeout(90_000);
  const api = await server.session(DEMO_USERS.alice);
  const before = (await api.records('workOrders')).get(ID)!;
  const title = before.data!['title'] as string;
  const [status, statusLabel] =
    before.data!['status'] === 'done' ? ['inProgress', 'In progress'] : ['done', 'Done'];
  const notes = 'Changed on device A: the gate code is 4711';
  const titleOnB = `${title} (edited on B)`;

  // Device A is the test's page; device B a second browser context of the same user.
  await logIn(DEMO_USERS.alice);
  const deviceB = await browser.newContext({
    baseURL: test.info().project.use.baseURL,
    viewport: { width: 1280, height: 800 },
  });
  try {
    await installScreenRecorder(deviceB);
    const pageB = await deviceB.newPage();
    await logIn(DEMO_USERS.alice, { target: pageB });
    const [shellB, formB] = [new ShellPage(pageB), new WorkOrderFormPage(pageB)];

    // B opens W's form.
    await new WorkOrdersPage(pageB).openOrder(title, ID);
    await formB.expectEditing();
    await expect(formB.title).toHaveValue(title);

    // A changes W's status and notes and syncs.
    await workOrders.openOrder(title, ID);
    await orderForm.expectEditing();
    await orderForm.fill({ status: statusLabel as 'Done' | 'In progress', notes });
    await orderForm.save(title);
    await expect
      .poll(async () => (await api.records('workOrders')).get(ID)!.data, { timeout: 30_000 })
      .toMatchObject({ title, status, notes });
    await shell.expectBadge('synced', 30_000);
    await expect(formB.changeNotice).toBeHidden();

    // B pulls while its form is open: the form shows A's values and says what changed.
    await server.clearJournal();
    await shellB.tapBadge();
    await expect(formB.changeNotice).toContainText(
      'Changed on another device or tab: Status, Notes.',
      { timeout: 30_000 },
    );
    await expect(formB.status).toContainText(statusLabel);
    await expect(formB.notes).toHaveValue(notes);
    await expect(formB.title).toHaveValue(title);

    // B edits the title, saves and syncs.
    await formB.fill({ title: titleOnB });
    await formB.save(titleOnB);
    await expect
      .poll(async () => (await api.records('workOrders')).get(ID)!.data!['title'], {
        timeout: 30_000,
      })
      .toBe(titleOnB);
    await shellB.expectBadge('synced', 30_000);

    // The server holds A's status and notes and B's title; B pushed without a conflict.
    const after = (await api.records('workOrders')).get(ID)!;
    expect(after.data).toMatchObject({ title: titleOnB, status, notes });
    expect(pushes(syncRequests(await server.journal(), 'alice')).length).toBeGreaterThanOrEqual(1);
    const [onB] = (await localRecords(pageB, 'workOrders')).filter((r) => r.id === ID);
    expect(onB).toMatchObject({ title: titleOnB, status, notes, syncPending: false });
    expect(onB!.syncDeadLetter).toBe(false);

    // And A, after a sync, shows both edits.
    await shell.tapBadge();
    await expect
      .poll(async () => (await localRecords(page, 'workOrders')).find((r) => r.id === ID))
      .toMatchObject({ title: titleOnB, status, notes, syncPending: false });
  } finally {
    await deviceB.close();
  }
});
