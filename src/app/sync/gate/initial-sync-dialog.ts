import { DecimalPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatDialogModule } from '@angular/material/dialog';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { Store } from '@ngrx/store';
import { GateDialogActions } from './gate.actions';
import { selectGateView } from './gate.feature';

export const INITIAL_SYNC_DIALOG_ID = 'initial-sync';

/**
 * "Setting up this device": the blocking dialog of the initial sync. It only shows the gate's
 * state; effects open and close it, and it cannot be dismissed (no Escape, no backdrop click).
 */
@Component({
  selector: 'app-initial-sync-dialog',
  imports: [DecimalPipe, MatButtonModule, MatDialogModule, MatProgressBarModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './initial-sync-dialog.html',
  styleUrl: './initial-sync-dialog.scss',
})
export class InitialSyncDialog {
  private readonly store = inject(Store);

  protected readonly view = this.store.selectSignal(selectGateView);
  /** E.g. "Customers: 1,200 of 5,000". */
  protected readonly currentLine = computed(() => {
    const table = this.view().current;
    if (!table) return null;
    const done = formatCount(table.done);
    return table.total === null
      ? `${table.label}: ${done}`
      : `${table.label}: ${done} of ${formatCount(table.total)}`;
  });
  protected readonly retrySeconds = computed(() => {
    const retry = this.view().retry;
    return retry ? Math.round(retry.delayMs / 1000) : 0;
  });

  protected tryAgain(): void {
    this.store.dispatch(GateDialogActions.tryAgain());
  }

  protected cancelAndLogOut(): void {
    this.store.dispatch(GateDialogActions.cancelAndLogOut());
  }
}

function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}
