import { describe, pulls, syncRequests } from '../fixtures/journal';
import { localSummary } from '../fixtures/local-db';
import { TABLES } from '../fixtures/server';
import { expect, test } from '../fixtures/test';
import { DEMO_USERS } from '../pages/login.page';
import { gateFrames } from '../support/screen-recorder';

// About 2,000 records: two or three pull pages, so the cut hits one in the middle.
test.use({ seed: { customers: 500, products: 300, workOrders: 400 } });

test('a connection cut mid-pull during the initial sync is retried; the device ends with exactly the server data', async ({
  page,
  server,
  loginPage,
  gate,
  workOrders,
}) => {
  // The manifest and the first page get through; the second page's response is cut halfway.
  await server.faults({ mode: 'delay', ms: 1, count: 2 }, { mode: 'drop', count: 1 });

  await loginPage.open();
  await loginPage.logIn(DEMO_USERS.alice);
  await gate.expectOpen();
  await gate.expectClosed(30_000);
  await workOrders.expectCount(400);

  const frames = await gateFrames(page);
  expect(frames.some((f) => f.status.includes('Retrying in 2 s (attempt 1 of 3)'))).toBe(true);

  // The cut page was asked for again, from the same checkpoints, and everything else succeeded.
  const journal = syncRequests(await server.journal(), 'alice');
  const alicePulls = pulls(journal);
  const dropped = alicePulls.findIndex((p) => p.status === 0);
  expect(dropped, describe(journal)).toBeGreaterThan(0);
  expect(
    journal.filter((e) => e.status !== 200),
    describe(journal),
  ).toEqual([alicePulls[dropped]]);
  expect(alicePulls[dropped + 1]?.tables).toEqual(alicePulls[dropped]!.tables);

  // Same data on both sides, record for record: nothing missing, nothing twice.
  const api = await server.session(DEMO_USERS.alice);
  const manifest = await api.manifest();
  const local = await localSummary(page);
  for (const table of TABLES) {
    expect(local[table].count, table).toBe(manifest[table]);
    expect(new Set(local[table].ids).size, table).toBe(local[table].ids.length);
    expect(local[table].ids, table).toEqual([...(await api.records(table)).keys()].sort());
  }
});
