import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule } from '@angular/material/dialog';

import type { DeadLetterKey } from '../state/diagnostics.actions';

/** Confirms a discard; closes with `true` to go ahead. Opened by an effect, never a component. */
@Component({
  selector: 'app-discard-dialog',
  imports: [MatButtonModule, MatDialogModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h2 mat-dialog-title>Discard your change?</h2>
    <mat-dialog-content>
      Your local change to {{ data.table }} “{{ data.id }}” will be lost. If the server has this
      record, its version is kept.
    </mat-dialog-content>
    <mat-dialog-actions align="end">
      <button mat-button [mat-dialog-close]="false">Cancel</button>
      <button mat-flat-button [mat-dialog-close]="true">Discard</button>
    </mat-dialog-actions>
  `,
})
export class DiscardDialog {
  protected readonly data = inject<DeadLetterKey>(MAT_DIALOG_DATA);
}
