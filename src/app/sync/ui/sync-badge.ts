import { DatePipe } from '@angular/common';
import {
  ChangeDetectionStrategy,
  Component,
  computed,
  inject,
  type OnDestroy,
} from '@angular/core';
import { MatBadgeModule } from '@angular/material/badge';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatTooltipModule } from '@angular/material/tooltip';
import { Store } from '@ngrx/store';
import { type Subscription, timer } from 'rxjs';
import { SyncBadgeActions } from '../state/sync.actions';
import {
  type BadgeState,
  selectBadgeState,
  selectDeadLetterCount,
  selectLastSyncedAt,
  selectPendingCount,
  selectStartError,
} from '../state/sync.feature';
import { SYNC_SCHEDULER } from '../sync.tokens';

/** A press at least this long is a long press: master-data re-sync instead of a sync. */
export const LONG_PRESS_MS = 600;

const LABELS: Record<BadgeState, string> = {
  synced: 'synced',
  pending: 'pending',
  syncing: 'syncing',
  queued: 'queued',
  offline: 'offline',
  deadLetter: 'dead letter',
  failed: 'failed',
};

const ICONS: Record<BadgeState, string> = {
  synced: 'cloud_done',
  pending: 'cloud_upload',
  syncing: 'sync',
  queued: 'schedule',
  offline: 'cloud_off',
  deadLetter: 'report',
  failed: 'sync_problem',
};

/**
 * The app bar's sync status. Tap or click: sync now. Long press (≥ 600 ms), the context-menu key
 * or Shift+Enter: re-sync master data. Both go through the same queue as every other request.
 */
@Component({
  selector: 'app-sync-badge',
  imports: [MatBadgeModule, MatButtonModule, MatIconModule, MatTooltipModule],
  providers: [DatePipe],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './sync-badge.html',
  styleUrl: './sync-badge.scss',
})
export class SyncBadge implements OnDestroy {
  private readonly store = inject(Store);
  private readonly scheduler = inject(SYNC_SCHEDULER);
  private readonly datePipe = inject(DatePipe);
  private pressTimer: Subscription | null = null;
  private longPressed = false;

  protected readonly state = this.store.selectSignal(selectBadgeState);
  private readonly pending = this.store.selectSignal(selectPendingCount);
  private readonly deadLetters = this.store.selectSignal(selectDeadLetterCount);
  private readonly lastSyncedAt = this.store.selectSignal(selectLastSyncedAt);
  private readonly startError = this.store.selectSignal(selectStartError);

  protected readonly icon = computed(() => ICONS[this.state()]);
  /** The number on the badge: dead letters when there are any, else pending changes. */
  protected readonly count = computed(() => {
    const count = this.state() === 'deadLetter' ? this.deadLetters() : this.pending();
    return count > 0 ? count : null;
  });
  /**
   * The state word first (what tests and screen readers key on), then the number the badge
   * shows, so the name contains all the visible text (WCAG 2.5.3, label in name).
   */
  protected readonly label = computed(() => {
    const status = `Sync status: ${LABELS[this.state()]}`;
    const count = this.count();
    if (count === null) return status;
    const what = this.state() === 'deadLetter' ? 'dead letter' : 'unsynced change';
    return `${status}, ${count} ${what}${count === 1 ? '' : 's'}`;
  });
  protected readonly tooltip = computed(() => {
    const startError = this.startError();
    // Tapping can't help when the engine never started: say why instead of offering it.
    if (startError !== null) return `Sync could not start on this device: ${startError}.`;
    const at = this.lastSyncedAt();
    const last = at ? `Last synced ${this.datePipe.transform(at, 'medium')}` : 'Not synced yet';
    return `${last}. Tap to sync; long press to re-sync master data.`;
  });

  protected pressStarted(event: PointerEvent): void {
    if (event.button !== 0) return;
    this.cancelPress();
    this.longPressed = false;
    this.pressTimer = timer(LONG_PRESS_MS, this.scheduler).subscribe(() => {
      this.longPressed = true;
      this.store.dispatch(SyncBadgeActions.masterDataResyncRequested());
    });
  }

  protected pressEnded(): void {
    this.cancelPress();
  }

  protected clicked(): void {
    // The click that ends a long press must not also start a normal sync.
    if (this.longPressed) {
      this.longPressed = false;
      return;
    }
    this.store.dispatch(SyncBadgeActions.syncRequested());
  }

  protected requestMasterData(event: Event): void {
    event.preventDefault();
    this.cancelPress();
    this.store.dispatch(SyncBadgeActions.masterDataResyncRequested());
  }

  ngOnDestroy(): void {
    this.cancelPress();
  }

  private cancelPress(): void {
    this.pressTimer?.unsubscribe();
    this.pressTimer = null;
  }
}
