import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { TestBed } from '@angular/core/testing';
import { MatBadgeHarness } from '@angular/material/badge/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatTooltipHarness } from '@angular/material/tooltip/testing';
import { MockStore, provideMockStore } from '@ngrx/store/testing';
import { VirtualTimeScheduler } from 'rxjs';
import { SyncBadgeActions } from '../state/sync.actions';
import {
  selectBadgeState,
  selectDeadLetterCount,
  selectLastSyncedAt,
  selectPendingCount,
  selectStartError,
  type BadgeState,
} from '../state/sync.feature';
import { SYNC_SCHEDULER } from '../sync.tokens';
import { LONG_PRESS_MS, SyncBadge } from './sync-badge';

describe('SyncBadge', () => {
  let store: MockStore;
  let scheduler: VirtualTimeScheduler;

  async function render(
    state: BadgeState,
    counts = { pending: 0, deadLetter: 0 },
    startError: string | null = null,
  ) {
    scheduler = new VirtualTimeScheduler();
    TestBed.configureTestingModule({
      imports: [SyncBadge],
      providers: [
        provideMockStore({
          selectors: [
            { selector: selectBadgeState, value: state },
            { selector: selectPendingCount, value: counts.pending },
            { selector: selectDeadLetterCount, value: counts.deadLetter },
            { selector: selectLastSyncedAt, value: null },
            { selector: selectStartError, value: startError },
          ],
        }),
        { provide: SYNC_SCHEDULER, useValue: scheduler },
      ],
    });
    store = TestBed.inject(MockStore);
    spyOn(store, 'dispatch');
    const fixture = TestBed.createComponent(SyncBadge);
    await fixture.whenStable();
    const loader = TestbedHarnessEnvironment.loader(fixture);
    const button = await loader.getHarness(MatButtonHarness);
    const element = fixture.nativeElement.querySelector('button') as HTMLButtonElement;
    return { fixture, loader, button, element };
  }

  for (const [state, label] of [
    ['synced', 'Sync status: synced'],
    ['pending', 'Sync status: pending'],
    ['syncing', 'Sync status: syncing'],
    ['queued', 'Sync status: queued'],
    ['offline', 'Sync status: offline'],
    ['deadLetter', 'Sync status: dead letter'],
    ['failed', 'Sync status: failed'],
  ] as const) {
    it(`is named "${label}"`, async () => {
      const { element } = await render(state);
      expect(element.getAttribute('aria-label')).toBe(label);
    });
  }

  // The number on the badge is visible text, so the name must contain it (WCAG 2.5.3).
  for (const [state, counts, label] of [
    ['pending', { pending: 1, deadLetter: 0 }, 'Sync status: pending, 1 unsynced change'],
    ['offline', { pending: 3, deadLetter: 0 }, 'Sync status: offline, 3 unsynced changes'],
    ['deadLetter', { pending: 4, deadLetter: 1 }, 'Sync status: dead letter, 1 dead letter'],
    ['deadLetter', { pending: 0, deadLetter: 2 }, 'Sync status: dead letter, 2 dead letters'],
  ] as const) {
    it(`is named "${label}" when its badge shows a count`, async () => {
      const { loader, element } = await render(state, counts);
      const count = await (await loader.getHarness(MatBadgeHarness)).getText();
      expect(element.getAttribute('aria-label')).toBe(label);
      expect(label).toContain(`, ${count} `);
    });
  }

  // A spinner (role progressbar, tabindex -1) inside the button is a nested interactive control.
  it('shows syncing with an icon only: nothing inside the button can take focus', async () => {
    const { element } = await render('syncing', { pending: 2, deadLetter: 0 });
    expect(element.querySelector('mat-icon')?.textContent?.trim()).toBe('sync');
    expect(element.querySelectorAll('[tabindex]').length).toBe(0);
  });

  it('shows the pending count, and the dead-letter count when there are dead letters', async () => {
    const pending = await render('pending', { pending: 4, deadLetter: 0 });
    const badge = await pending.loader.getHarness(MatBadgeHarness);
    expect(await badge.getText()).toBe('4');
    TestBed.resetTestingModule();
    const dead = await render('deadLetter', { pending: 4, deadLetter: 2 });
    expect(await (await dead.loader.getHarness(MatBadgeHarness)).getText()).toBe('2');
  });

  it('offers a sync in its tooltip, and says why when sync could not start', async () => {
    const ok = await render('synced');
    const tooltip = await ok.loader.getHarness(MatTooltipHarness);
    await tooltip.show();
    expect(await tooltip.getTooltipText()).toBe(
      'Not synced yet. Tap to sync; long press to re-sync master data.',
    );
    TestBed.resetTestingModule();
    const failed = await render('failed', { pending: 0, deadLetter: 0 }, 'no storage');
    const failedTooltip = await failed.loader.getHarness(MatTooltipHarness);
    await failedTooltip.show();
    expect(await failedTooltip.getTooltipText()).toBe(
      'Sync could not start on this device: no storage.',
    );
  });

  it('syncs on tap', async () => {
    const { button } = await render('pending');
    await button.click();
    expect(store.dispatch).toHaveBeenCalledOnceWith(SyncBadgeActions.syncRequested());
  });

  it('re-syncs master data on a long press, and the release does not also sync', async () => {
    const { element } = await render('synced');
    element.dispatchEvent(new PointerEvent('pointerdown', { button: 0 }));
    scheduler.flush();
    expect(scheduler.now()).toBe(LONG_PRESS_MS);
    element.dispatchEvent(new PointerEvent('pointerup', { button: 0 }));
    element.click();
    expect(store.dispatch).toHaveBeenCalledOnceWith(SyncBadgeActions.masterDataResyncRequested());
  });

  it('treats a short press as a tap', async () => {
    const { element } = await render('synced');
    element.dispatchEvent(new PointerEvent('pointerdown', { button: 0 }));
    element.dispatchEvent(new PointerEvent('pointerup', { button: 0 }));
    scheduler.flush();
    element.click();
    expect(store.dispatch).toHaveBeenCalledOnceWith(SyncBadgeActions.syncRequested());
  });

  it('offers the master-data re-sync from the keyboard: context-menu key or Shift+Enter', async () => {
    const { element } = await render('synced');
    element.dispatchEvent(new MouseEvent('contextmenu', { cancelable: true }));
    element.dispatchEvent(
      new KeyboardEvent('keydown', { key: 'Enter', shiftKey: true, cancelable: true }),
    );
    expect(store.dispatch).toHaveBeenCalledTimes(2);
    expect(store.dispatch).toHaveBeenCalledWith(SyncBadgeActions.masterDataResyncRequested());
  });
});
