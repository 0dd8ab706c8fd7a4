import { editRejectedOrder, REJECTED_ID } from '../fixtures/rejected-edit';
import { expect, test } from '../fixtures/test';
import { DEMO_USERS } from '../pages/login.page';
import { expectNoSeriousA11yViolations } from '../support/axe';

// axe-core 4.14, WCAG 2.2 AA tags, on every page and state a user meets: no serious or critical
// violation. Each check runs once the page shows its data, so axe sees what a user would.

test('the login page and the initial-sync dialog while it is open', async ({
  page,
  server,
  loginPage,
  gate,
  shell,
}) => {
  await loginPage.open();
  await expect(loginPage.heading).toBeVisible();
  await expectNoSeriousA11yViolations(page, 'login page');

  // The first sync requests wait on the server, so the dialog stays open while axe runs.
  await server.faults({ mode: 'delay', ms: 4_000, count: 3 });
  await loginPage.logIn(DEMO_USERS.alice);
  await gate.expectOpen();
  await expect(gate.status).toBeVisible();
  await expect(gate.tableList.first()).toBeVisible();
  await expectNoSeriousA11yViolations(page, 'initial-sync dialog (in progress)');
  await expect(gate.dialog).toBeVisible();

  await gate.expectClosed(30_000);
  await shell.expectBadge('synced');
});

test('the initial-sync dialog waiting to retry, and after it gave up', async ({
  page,
  server,
  loginPage,
  gate,
}) => {
  test.setTimeout(90_000);
  await server.faults({ mode: 'fail', status: 503, count: 1000 });
  await loginPage.open();
  await loginPage.logIn(DEMO_USERS.alice);
  await gate.expectOpen();
  await expect(gate.status).toContainText('Retrying in 2 s (attempt 1 of 3)');
  await expectNoSeriousA11yViolations(page, 'initial-sync dialog (waiting to retry)');

  // After the third retry (2 + 5 + 15 s): the error, "Cancel and log out" and "Try again".
  await gate.expectFailed(40_000);
  await expect(gate.error).toBeVisible();
  await expectNoSeriousA11yViolations(page, 'initial-sync dialog (failed)');
});

test('the work-order list and form, and the badge while it syncs', async ({
  page,
  server,
  logIn,
  workOrders,
  orderForm,
  shell,
}) => {
  await logIn(DEMO_USERS.alice);
  await expect(shell.userMenu).toHaveAccessibleName('Alice Andersen, user menu');
  await workOrders.expectCount(30);
  await expectNoSeriousA11yViolations(page, 'work-order list');

  // A sync held on the server: the badge shows its "syncing" state while axe runs.
  await server.faults({ mode: 'delay', ms: 4_000, count: 1 });
  await shell.tapBadge();
  await shell.expectBadge('syncing');
  await expectNoSeriousA11yViolations(page, 'work-order list, the badge syncing');
  await shell.expectBadge('synced');
  // The pointer leaves the badge, and its tooltip with it (it covers the "New work order" link).
  await workOrders.heading.hover();
  await expect(page.locator('.mat-mdc-tooltip-surface')).toBeHidden();

  await orderForm.openNew();
  await expectNoSeriousA11yViolations(page, 'new work-order form');

  await workOrders.open();
  const title = (await workOrders.rows.first().getByRole('link').textContent())!.trim();
  await workOrders.rows.first().getByRole('link').click();
  await orderForm.expectEditing();
  await expect(orderForm.title).toHaveValue(title);
  await expectNoSeriousA11yViolations(page, 'edit work-order form');

  await shell.openUserMenu();
  await expect(page.getByRole('menuitem', { name: 'Log out' })).toBeVisible();
  await expectNoSeriousA11yViolations(page, 'user menu (open)');
});

test('the catalog: customers and products', async ({ page, logIn, shell }) => {
  await logIn(DEMO_USERS.alice);
  await shell.goTo('Catalog');
  await expect(page.getByRole('tab', { name: 'Customers (20)' })).toBeVisible();
  await expect(page.getByRole('table')).toBeVisible();
  await expectNoSeriousA11yViolations(page, 'catalog: customers');

  await page.getByRole('tab', { name: 'Products (10)' }).click();
  await expect(page).toHaveURL(/\/catalog\/products$/);
  await expect(page.getByRole('table')).toBeVisible();
  await expectNoSeriousA11yViolations(page, 'catalog: products');
});

test('diagnostics, every tab, with a pending change and a dead letter', async ({
  page,
  server,
  logIn,
  shell,
  workOrders,
  orderForm,
  diagnostics,
}) => {
  // A change the server rejects: pending first (the badge and the list show it), then, after
  // two more rejections, a dead letter.
  const ID = REJECTED_ID;
  const { pushCount } = await editRejectedOrder(
    { server, logIn, workOrders, orderForm },
    'Rejected by the server',
  );
  await shell.expectBadge('pending');
  await workOrders.filter('');
  await expectNoSeriousA11yViolations(page, 'work-order list with a pending change');
  await shell.tapBadge();
  await expect.poll(pushCount).toBe(2);
  await shell.tapBadge();
  await expect.poll(pushCount).toBe(3);
  await shell.expectBadge('dead letter');

  // The sync log with every level shown: more rows than its viewport holds, so it scrolls and
  // must be reachable by keyboard.
  await diagnostics.open();
  const log = diagnostics.syncLog;
  await expect(log.getByRole('listitem').first()).toBeVisible();
  await page.getByRole('button', { name: 'debug' }).click();
  await expect
    .poll(() => log.evaluate((el) => el.scrollHeight > el.clientHeight), {
      message: 'the sync log overflows its viewport',
    })
    .toBe(true);
  await expectNoSeriousA11yViolations(page, 'diagnostics: sync log');
  await log.focus();
  await expect(log).toBeFocused();

  await page.getByRole('tab', { name: 'Sync timeline' }).click();
  await expect(page.getByRole('table')).toBeVisible();
  await expectNoSeriousA11yViolations(page, 'diagnostics: sync timeline');

  await diagnostics.openDeadLetters(1);
  await expect(diagnostics.letter(ID)).toBeVisible();
  await expectNoSeriousA11yViolations(page, 'diagnostics: dead letters');
});
