import { checkpointOf, describe, pulls, syncRequests } from '../fixtures/journal';
import { localBookkeeping, localSummary } from '../fixtures/local-db';
import { SMALL_SEED, TABLES } from '../fixtures/server';
import { expect, test } from '../fixtures/test';
import { DEMO_USERS } from '../pages/login.page';
import { gateFrames } from '../support/screen-recorder';
import type { TableName } from '../../contract/tables';

test.use({ seed: SMALL_SEED });

test('a reload during the initial sync resumes it from its checkpoints and ends with the server data', async ({
  page,
  server,
  loginPage,
  gate,
  workOrders,
}) => {
  test.setTimeout(120_000);
  // 20,000 more work orders: about twenty pull pages, each slowed a little.
  await server.seed('alice', 'workOrders', 20_000);
  await server.faults({ mode: 'delay', ms: 100, count: 60 });

  await loginPage.open();
  await loginPage.logIn(DEMO_USERS.alice);
  await gate.expectOpen();

  // Wait until the server has answered a pull that continues the work orders from a
  // checkpoint: the pages before it are committed on the device.
  await expect
    .poll(
      async () =>
        pulls(syncRequests(await server.journal(), 'alice')).filter((p) => {
          const checkpoint = checkpointOf(p, 'workOrders');
          return p.status === 200 && checkpoint !== null && checkpoint !== undefined;
        }).length,
      { timeout: 30_000 },
    )
    .toBeGreaterThanOrEqual(3);
  const before = await gateFrames(page);
  // What the device has committed (pages are prefetched: a journaled request's checkpoint is
  // not yet committed when it is sent, so the device's own record is the lower bound).
  const committed = (await localBookkeeping(page)).checkpoints.find(
    (c) => c['table'] === 'workOrders',
  )?.['checkpoint'] as string | undefined;
  expect(committed).toMatch(/^r:\d+$/);
  const ordersBefore = (await localSummary(page)).workOrders.count;
  const reloadedAt = Date.now();
  await page.reload();

  // The gate is back and continues; its first work-order figure is what the device already had.
  await gate.expectOpen();
  await gate.expectClosed(60_000);
  await workOrders.expectCount(20_030);
  const after = await gateFrames(page);
  const firstOrders = after
    .map((f) => /Work orders (\d[\d,]*|Done)/.exec(f.tables)?.[1])
    .find((v) => v !== undefined);
  expect(firstOrders, after.map((f) => f.tables).join('\n')).toBeDefined();
  expect(firstOrders === 'Done' || Number(firstOrders!.replace(/,/g, '')) >= ordersBefore).toBe(
    true,
  );
  expect(before.length).toBeGreaterThan(0);

  // The journal: after the reload, no table that had progressed is pulled again from null.
  const journal = syncRequests(await server.journal(), 'alice');
  const alicePulls = pulls(journal);
  const beforeReload = alicePulls.filter((p) => p.startedAt < reloadedAt);
  const afterReload = alicePulls.filter((p) => p.startedAt >= reloadedAt);
  const progressed = new Set<TableName>(
    TABLES.filter((table) =>
      beforeReload.some((p) => {
        const checkpoint = checkpointOf(p, table);
        return checkpoint !== null && checkpoint !== undefined;
      }),
    ),
  );
  // Tables fully pulled before the reload (they were asked for, then no longer).
  expect(progressed.has('workOrders')).toBe(true);
  expect(afterReload.length, describe(journal)).toBeGreaterThan(0);
  const restarted = afterReload.flatMap((p) =>
    (p.tables ?? [])
      .filter((t) => t.checkpoint === null && (progressed.has(t.table) || completedBefore(t.table)))
      .map((t) => t.table),
  );
  expect(restarted, `pulled from the start again after the reload:\n${describe(journal)}`).toEqual(
    [],
  );
  // The work orders resume at least where the device's committed checkpoint was.
  const revOf = (checkpoint: string | null | undefined) =>
    checkpoint ? Number(checkpoint.replace(/^r:/, '')) : 0;
  const resumedAt = revOf(checkpointOf(afterReload[0]!, 'workOrders'));
  expect(resumedAt, describe(journal)).toBeGreaterThanOrEqual(revOf(committed));
  expect(
    journal.filter((e) => e.status !== 200),
    describe(journal),
  ).toEqual([]);

  // The device holds exactly the server's data.
  const api = await server.session(DEMO_USERS.alice);
  const manifest = await api.manifest();
  const local = await localSummary(page);
  for (const table of TABLES) expect(local[table].count, table).toBe(manifest[table]);
  const serverOrders = await api.records('workOrders');
  expect(local.workOrders.ids).toEqual([...serverOrders.keys()].sort());

  function completedBefore(table: TableName): boolean {
    // A table asked for in an early pull and absent from a later one before the reload was
    // completed by then.
    const asked = beforeReload.filter((p) => checkpointOf(p, table) !== undefined);
    const last = asked.at(-1);
    return last !== undefined && beforeReload.at(-1) !== last;
  }
});
