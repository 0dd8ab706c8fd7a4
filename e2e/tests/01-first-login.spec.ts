import { TABLES } from '../fixtures/server';
import { pulls, syncRequests } from '../fixtures/journal';
import { localSummary } from '../fixtures/local-db';
import { expect, test } from '../fixtures/test';
import { DEMO_USERS } from '../pages/login.page';
import { gateFrames } from '../support/screen-recorder';

const LABELS = ['Customers', 'Products', 'Work orders', 'Work order lines'];

// Enough records for several pull pages (1,000 records each), so progress has steps to show.
test.use({ seed: { customers: 1200, products: 300, workOrders: 600 } });

test('first login: the gate shows per-table progress, closes, and the device holds exactly the server data', async ({
  page,
  server,
  loginPage,
  gate,
  shell,
  workOrders,
}) => {
  // Slow pages a little so every step is on screen for a while (the recorder catches them anyway).
  await server.faults({ mode: 'delay', ms: 250, count: 10 });

  await loginPage.open();
  await loginPage.logIn(DEMO_USERS.alice);
  await gate.expectOpen();
  await gate.expectClosed(30_000);
  await expect(workOrders.heading).toBeVisible();
  await shell.expectBadge('synced');
  await workOrders.expectCount(600);

  // The screen: the current table's "done of total" line, tables done counting up, each table
  // in the list marked Done.
  const frames = await gateFrames(page);
  const statuses = frames.map((f) => f.status);
  // Pages of 1,000 records, filled table by table: 1,000 customers; 200 customers + 300
  // products + 500 work orders; 100 work orders + 900 lines; the rest of the lines.
  for (const line of [
    /Customers: 1,000 of 1,200/,
    /Work orders: 500 of 600/,
    /Work order lines: 900 of [\d,]+/,
  ]) {
    expect(
      statuses.some((s) => line.test(s)),
      `${line} in:\n${statuses.join('\n')}`,
    ).toBe(true);
  }
  expect(frames.some((f) => f.tables.includes('Customers 1,000 | Products Waiting'))).toBe(true);
  // The dialog closes as soon as the last table is committed, so only the others show "Done".
  for (const label of LABELS.slice(0, -1)) {
    expect(
      frames.some((f) => f.tables.includes(`${label} Done`)),
      `${label} marked Done:\n${frames.map((f) => f.tables).join('\n')}`,
    ).toBe(true);
  }
  const tablesDone = statuses
    .map((s) => /Tables done: (\d) of 4/.exec(s)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number);
  expect(tablesDone[0]).toBe(0);
  expect(tablesDone).toEqual([...tablesDone].sort((a, b) => a - b));
  expect(new Set(tablesDone).size, `tables done went 0 → 3+: ${tablesDone}`).toBeGreaterThanOrEqual(
    3,
  );
  expect(Math.max(...tablesDone)).toBeGreaterThanOrEqual(3);

  // The server: every pull of alice succeeded, the first one from the start for every table.
  const alicePulls = pulls(syncRequests(await server.journal(), 'alice'));
  expect(alicePulls.length).toBeGreaterThanOrEqual(4);
  expect(alicePulls.every((p) => p.status === 200)).toBe(true);
  expect(alicePulls[0]!.tables?.map((t) => [t.table, t.checkpoint])).toEqual(
    TABLES.map((table) => [table, null]),
  );

  // The device holds exactly what the server says alice has, table by table.
  const api = await server.session(DEMO_USERS.alice);
  const manifest = await api.manifest();
  const local = await localSummary(page);
  for (const table of TABLES) {
    expect(local[table].count, table).toBe(manifest[table]);
    expect(local[table].pending, table).toBe(0);
  }
  const serverOrders = await api.records('workOrders');
  expect(local.workOrders.ids).toEqual([...serverOrders.keys()].sort());
});
