import { checkpointOf, describe, pulls, syncRequests } from '../fixtures/journal';
import { localBookkeeping, localSummary } from '../fixtures/local-db';
import { TABLES } from '../fixtures/server';
import { expect, test } from '../fixtures/test';
import { DEMO_USERS } from '../pages/login.page';
import { gateFrames } from '../support/screen-recorder';

// About 2,000 records: the initial sync needs two or three pull pages.
test.use({ seed: { customers: 500, products: 300, workOrders: 400 } });

const TOLERANCE_MS = 1_000;

test('a failing server: retries after 2, 5 and 15 s, then "Cancel and log out"; the next login resumes', async ({
  page,
  server,
  loginPage,
  gate,
  workOrders,
}) => {
  test.setTimeout(90_000);
  // The manifest and the first page get through, then every sync request fails with a 503.
  await server.faults(
    { mode: 'delay', ms: 1, count: 2 },
    { mode: 'fail', status: 503, count: 1000 },
  );

  await loginPage.open();
  await loginPage.logIn(DEMO_USERS.alice);
  await gate.expectOpen();
  await expect(gate.status).toContainText('Retrying in 2 s (attempt 1 of 3)');
  await gate.expectFailed(40_000);
  await expect(gate.error).toHaveText(
    'The server is not available right now (503). Try again in a moment.',
  );

  // The screen announced each wait.
  const frames = await gateFrames(page);
  const announced = (attempt: number) =>
    frames.find((f) => f.status.includes(`(attempt ${attempt} of 3)`));
  const retries = frames
    .map((f) => /Retrying in (\d+) s \(attempt (\d) of 3\)/.exec(f.status))
    .filter((m) => m !== null)
    .map((m) => `${m[1]} s, ${m[2]}`);
  expect([...new Set(retries)]).toEqual(['2 s, 1', '5 s, 2', '15 s, 3']);

  // The server saw four attempts, each failing once, and nothing more after the last one.
  const journal = syncRequests(await server.journal(), 'alice');
  const failed = journal.filter((e) => e.status === 503);
  expect(failed.length, describe(journal)).toBe(4);
  expect(journal.at(-1)).toBe(failed.at(-1));
  // Retry k starts its wait when the app reports failure k ("Retrying in …"). For the first,
  // that is later than the server's 503: the failing request was the prefetch of page 2, and
  // its error is raised once page 1 is written. The later attempts fail on their first request.
  const waits = [2_000, 5_000, 15_000];
  const measured = waits.map((_, i) => failed[i + 1]!.startedAt - announced(i + 1)!.t);
  const betweenFailures = failed.slice(1).map((e, i) => e.startedAt - failed[i]!.endedAt);
  test.info().annotations.push({
    type: 'retry waits (ms)',
    description: `from the screen's notice: ${measured.join(', ')}; between the server's 503s: ${betweenFailures.join(', ')}`,
  });
  waits.forEach((expected, i) => {
    const detail = `retry ${i + 1}: ${measured[i]} ms after the notice, ${betweenFailures[i]} ms after the previous 503\n${describe(journal)}`;
    expect(Math.abs(measured[i]! - expected), detail).toBeLessThanOrEqual(TOLERANCE_MS);
    // Never early, counted on the server alone.
    expect(betweenFailures[i]!, detail).toBeGreaterThanOrEqual(expected - TOLERANCE_MS);
    if (i > 0) expect(betweenFailures[i]!, detail).toBeLessThanOrEqual(expected + TOLERANCE_MS);
  });
  // What the first attempt had committed on the device before its failing page.
  const { checkpoints } = await localBookkeeping(page);
  const saved = (table: string) => checkpoints.find((c) => c['table'] === table);
  expect(saved('customers')?.['initialComplete']).toBeTruthy();
  expect(saved('products')?.['initialComplete']).toBeTruthy();
  const resumeFrom = saved('workOrders')?.['checkpoint'];
  expect(resumeFrom).toMatch(/^r:\d+$/);

  await gate.cancelAndLogOut.click();
  await loginPage.expectShown();

  // The server is back: the next login resumes the initial sync and completes it.
  await server.clearFaults();
  await server.clearJournal();
  await loginPage.logIn(DEMO_USERS.alice);
  await gate.expectOpen();
  await gate.expectClosed(30_000);
  await workOrders.expectCount(400);

  const resumed = pulls(syncRequests(await server.journal(), 'alice'));
  expect(resumed.length).toBeGreaterThan(0);
  expect(resumed.every((p) => p.status === 200)).toBe(true);
  // Customers and products were complete: not asked for again. Work orders go on from the
  // checkpoint the failed attempt had reached.
  for (const table of ['customers', 'products'] as const) {
    expect(
      resumed.some((p) => checkpointOf(p, table) !== undefined),
      describe(resumed),
    ).toBe(false);
  }
  expect(checkpointOf(resumed[0]!, 'workOrders')).toBe(resumeFrom);

  const api = await server.session(DEMO_USERS.alice);
  const manifest = await api.manifest();
  const local = await localSummary(page);
  for (const table of TABLES) expect(local[table].count, table).toBe(manifest[table]);
  expect(local.workOrderLines.ids).toEqual(
    [...(await api.records('workOrderLines')).keys()].sort(),
  );
});
