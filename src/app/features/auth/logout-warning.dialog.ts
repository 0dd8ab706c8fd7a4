import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule } from '@angular/material/dialog';
import { MatIconModule } from '@angular/material/icon';

export interface LogoutWarningData {
  /** Local changes the server has not accepted yet. */
  readonly count: number;
}

/** What the dialog closes with; `undefined` (Escape, backdrop, "Cancel") keeps the session. */
export type LogoutWarningChoice = 'syncFirst' | 'logOut' | undefined;

@Component({
  selector: 'app-logout-warning-dialog',
  imports: [MatButtonModule, MatDialogModule, MatIconModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h2 mat-dialog-title>
      <mat-icon aria-hidden="true" class="warning-icon">warning</mat-icon>
      {{ headline }}
    </h2>
    <mat-dialog-content>
      <p>
        {{ data.count === 1 ? 'This change has' : 'These changes have' }} not reached the server
        yet. Sync first to keep {{ data.count === 1 ? 'it' : 'them' }}, or log out anyway.
      </p>
    </mat-dialog-content>
    <mat-dialog-actions align="end">
      <button mat-button [mat-dialog-close]="undefined">Cancel</button>
      <button mat-stroked-button class="danger" [mat-dialog-close]="'logOut'">
        Log out anyway
      </button>
      <button mat-flat-button [mat-dialog-close]="'syncFirst'" cdkFocusInitial>Sync first</button>
    </mat-dialog-actions>
  `,
  styles: `
    h2 {
      display: flex;
      align-items: center;
      gap: 8px;
    }
    .warning-icon {
      color: var(--mat-sys-error);
    }
    .danger {
      color: var(--mat-sys-error);
    }
    mat-dialog-actions button {
      min-height: 48px;
    }
  `,
})
export class LogoutWarningDialog {
  protected readonly data = inject<LogoutWarningData>(MAT_DIALOG_DATA);
  protected readonly headline =
    this.data.count === 1
      ? '1 unsynced change will be lost'
      : `${this.data.count.toLocaleString('en-US')} unsynced changes will be lost`;
}
