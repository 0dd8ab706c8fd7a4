import type { Page } from '@playwright/test';
import { describe, overlappingPairs, pulls, syncRequests } from '../fixtures/journal';
import { expect, test } from '../fixtures/test';
import { DEMO_USERS } from '../pages/login.page';
import { ShellPage } from '../pages/shell.page';
import { badgeFrames } from '../support/screen-recorder';

const TABS = 4;
const DURATION_MS = 20_000;

test('four tabs syncing over and over for 20 s: the server never sees two syncs of alice at once', async ({
  page,
  context,
  server,
  logIn,
}) => {
  test.setTimeout(90_000);
  await logIn(DEMO_USERS.alice);
  const tabs: Page[] = [page];
  for (let i = 1; i < TABS; i++) {
    const tab = await context.newPage();
    await tab.goto('/work-orders');
    await new ShellPage(tab).expectBadge('synced');
    tabs.push(tab);
  }
  await server.clearJournal();
  // Every request takes a little longer, so a second sync in flight would surely overlap.
  await server.faults({ mode: 'delay', ms: 150, count: 100_000 });

  const start = Date.now();
  let taps = 0;
  await Promise.all(
    tabs.map(async (tab, index) => {
      const shell = new ShellPage(tab);
      let seed = index + 1;
      while (Date.now() - start < DURATION_MS) {
        await shell.tapBadge();
        taps++;
        // A different, repeatable rhythm per tab: 100–700 ms between taps.
        seed = (seed * 48271) % 2147483647;
        await tab.waitForTimeout(100 + (seed % 600));
      }
    }),
  );
  for (const tab of tabs) await new ShellPage(tab).expectBadge('synced', 30_000);
  await server.clearFaults();

  const journal = syncRequests(await server.journal(), 'alice');
  test.info().annotations.push({
    type: 'four tabs',
    description: `${taps} taps, ${pulls(journal).length} pulls`,
  });
  expect(overlappingPairs(journal), describe(journal)).toEqual([]);
  expect(
    journal.every((e) => e.status === 200),
    describe(journal),
  ).toBe(true);
  // The taps did turn into many runs, spread over the tabs' engines.
  expect(pulls(journal).length).toBeGreaterThanOrEqual(10);
  // Each tab saw its own runs, and waited behind the others ("queued") at times.
  for (const tab of tabs) {
    const states = (await badgeFrames(tab)).filter((f) => f.t >= start).map((f) => f.state);
    expect(states).toContain('syncing');
  }
  const waited = await Promise.all(
    tabs.map(async (tab) =>
      (await badgeFrames(tab)).some((f) => f.t >= start && f.state === 'queued'),
    ),
  );
  expect(waited.filter(Boolean).length).toBeGreaterThanOrEqual(2);
});
