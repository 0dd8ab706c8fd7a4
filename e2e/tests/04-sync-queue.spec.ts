import { describe, overlappingPairs, pulls, pushes, syncRequests } from '../fixtures/journal';
import { expect, test } from '../fixtures/test';
import { DEMO_USERS } from '../pages/login.page';
import { ShellPage } from '../pages/shell.page';
import { badgeFrames, toastFrames } from '../support/screen-recorder';
// The app's own wording, so this test and the toast can't drift apart.
import { QUEUED_NOTICE } from '../../src/app/sync/state/sync-notices';

test('two quick taps during a sync: one "queued" notice, exactly one more run, never overlapping', async ({
  page,
  server,
  shell,
  logIn,
}) => {
  await logIn(DEMO_USERS.alice);
  // A reload starts the app with the data in place: a start-up sync and no post-gate cooldown.
  const reloadedAt = Date.now();
  await page.reload();
  await expect
    .poll(async () =>
      pulls(syncRequests(await server.journal(), 'alice')).some(
        (p) => p.startedAt >= reloadedAt && p.status === 200,
      ),
    )
    .toBe(true);
  await shell.expectBadge('synced');
  await server.clearJournal();

  // Each of the next two pulls takes 2 s.
  await server.faults({ mode: 'delay', ms: 2_000, count: 2 });
  const firstTapAt = Date.now();
  await shell.tapBadge();
  await shell.expectBadge('syncing');
  // Two taps in quick succession (a double tap: two clicks a few milliseconds apart).
  const secondTapAt = Date.now();
  await shell.badge.dblclick();
  const thirdTapDoneAt = Date.now();
  await expect(page.locator('.toast-message', { hasText: QUEUED_NOTICE })).toBeVisible();
  await shell.expectBadge('synced', 15_000);

  // The badge: the run, the waiting request, the queued run, done.
  const frames = (await badgeFrames(page)).filter((f) => f.t >= firstTapAt);
  const journalText = describe(syncRequests(await server.journal(), 'alice'), firstTapAt);
  expect(
    frames.map((f) => f.state),
    `taps 2-3: +${secondTapAt - firstTapAt}..+${thirdTapDoneAt - firstTapAt}\n${frames.map((f) => `+${f.t - firstTapAt} ${f.state}`).join('\n')}\n${journalText}`,
  ).toEqual(['syncing', 'queued', 'syncing', 'synced']);

  // Once on screen, for two taps.
  const toasts = (await toastFrames(page)).filter((t) => t.text === QUEUED_NOTICE);
  expect(toasts).toHaveLength(1);

  // Two runs: the one in progress and the queued one (nothing pending: a run is one pull).
  const journal = syncRequests(await server.journal(), 'alice');
  expect(pulls(journal), describe(journal)).toHaveLength(2);
  expect(pushes(journal)).toHaveLength(0);
  expect(journal.every((e) => e.status === 200)).toBe(true);
  expect(overlappingPairs(journal), describe(journal)).toEqual([]);
  await expect.poll(() => server.pendingFaults()).toEqual([]);
});

test('a tap while another tab syncs: the same "queued" notice in this tab, once, and the runs never overlap', async ({
  page,
  context,
  server,
  shell,
  logIn,
}) => {
  await logIn(DEMO_USERS.alice);
  // Both tabs start with the data in place (a start-up sync each, no post-gate cooldown).
  const openedAt = Date.now();
  await page.reload();
  const tab2 = await context.newPage();
  await tab2.goto('/work-orders');
  const shell2 = new ShellPage(tab2);
  await expect
    .poll(async () =>
      pulls(syncRequests(await server.journal(), 'alice')).filter(
        (p) => p.startedAt >= openedAt && p.status === 200,
      ),
    )
    .toHaveLength(2);
  await shell.expectBadge('synced');
  await shell2.expectBadge('synced');
  // The two start-up syncs may have met: tab 2's then waited for tab 1's and said "queued". That
  // toast must be gone first: the app shows no duplicate of a toast still on screen, and the
  // check below would find the old one.
  await expect(tab2.locator('.toast-message')).toHaveCount(0, { timeout: 15_000 });
  await expect(page.locator('.toast-message')).toHaveCount(0, { timeout: 15_000 });
  await server.clearJournal();

  // Tab 1's pull takes 3 s; tab 2 sees it as "syncing" once tab 1 holds the lock.
  await server.faults({ mode: 'delay', ms: 3_000, count: 1 });
  const firstTapAt = Date.now();
  await shell.tapBadge();
  await shell2.expectBadge('syncing');
  // A double tap in tab 2: one request, whose run has to wait for tab 1's.
  await shell2.badge.dblclick();
  await expect(tab2.locator('.toast-message', { hasText: QUEUED_NOTICE })).toBeVisible();
  await shell2.expectBadge('queued');
  await shell.expectBadge('synced', 15_000);
  await shell2.expectBadge('synced', 15_000);

  const queuedToasts = async (tab: typeof page) =>
    (await toastFrames(tab)).filter((t) => t.t >= firstTapAt && t.text === QUEUED_NOTICE);
  expect(await queuedToasts(tab2)).toHaveLength(1);
  // Tab 1's own run never waited: no notice there.
  expect(await queuedToasts(page)).toEqual([]);
  const tab2States = (await badgeFrames(tab2)).filter((f) => f.t >= firstTapAt);
  expect(tab2States.map((f) => f.state)).toContain('queued');

  // Two runs, one per tab, one after the other.
  const journal = syncRequests(await server.journal(), 'alice');
  expect(pulls(journal), describe(journal)).toHaveLength(2);
  expect(journal.every((e) => e.status === 200)).toBe(true);
  expect(overlappingPairs(journal), describe(journal)).toEqual([]);
  await expect.poll(() => server.pendingFaults()).toEqual([]);
});
