import { describe, overlappingPairs, pulls, pushes, syncRequests } from '../fixtures/journal';
import { expect, test } from '../fixtures/test';
import { DEMO_USERS } from '../pages/login.page';
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
