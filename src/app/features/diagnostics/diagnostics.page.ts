import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { MatTabsModule } from '@angular/material/tabs';
import { Store } from '@ngrx/store';

import { selectDeadLetterCount } from '../../sync';
import { DeadLettersPanel } from './dead-letters/dead-letters-panel';
import { SyncLogPanel } from './sync-log/sync-log-panel';
import { TimelinePanel } from './timeline/timeline-panel';

/**
 * What support asks for first: the sync log, the recent runs, and the changes that need a
 * person's decision. Tab contents are created when their tab is shown (the log reads 2,000
 * entries; no reason to pay for that on the other tabs).
 */
@Component({
  selector: 'app-diagnostics-page',
  imports: [DeadLettersPanel, MatTabsModule, SyncLogPanel, TimelinePanel],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h1>Diagnostics</h1>
    <mat-tab-group mat-stretch-tabs="false" animationDuration="0ms">
      <mat-tab label="Sync log">
        <ng-template matTabContent><app-sync-log-panel /></ng-template>
      </mat-tab>
      <mat-tab label="Sync timeline">
        <ng-template matTabContent><app-timeline-panel /></ng-template>
      </mat-tab>
      <mat-tab [label]="deadLetterLabel()">
        <ng-template matTabContent><app-dead-letters-panel /></ng-template>
      </mat-tab>
    </mat-tab-group>
  `,
  styles: `
    h1 {
      margin: 0 0 8px;
    }
  `,
})
export class DiagnosticsPage {
  private readonly deadLetters = inject(Store).selectSignal(selectDeadLetterCount);

  protected deadLetterLabel(): string {
    const count = this.deadLetters();
    return count > 0 ? `Dead letters (${count})` : 'Dead letters';
  }
}
