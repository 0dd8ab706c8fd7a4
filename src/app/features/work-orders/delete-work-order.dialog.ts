import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule } from '@angular/material/dialog';

export interface DeleteWorkOrderData {
  readonly title: string;
}

/** Asks before deleting; closes with `true` to delete, anything else keeps the work order. */
@Component({
  selector: 'app-delete-work-order-dialog',
  imports: [MatButtonModule, MatDialogModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h2 mat-dialog-title>Delete this work order?</h2>
    <mat-dialog-content>
      <p>“{{ data.title }}” and its lines will be deleted on this device and on the server.</p>
    </mat-dialog-content>
    <mat-dialog-actions align="end">
      <button mat-button [mat-dialog-close]="false">Keep it</button>
      <button mat-flat-button class="danger" [mat-dialog-close]="true">Delete</button>
    </mat-dialog-actions>
  `,
  styles: `
    .danger {
      --mat-button-filled-container-color: var(--mat-sys-error);
      --mat-button-filled-label-text-color: var(--mat-sys-on-error);
    }
  `,
})
export class DeleteWorkOrderDialog {
  protected readonly data = inject<DeleteWorkOrderData>(MAT_DIALOG_DATA);
}
