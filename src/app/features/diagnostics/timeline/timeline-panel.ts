import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { MatTableModule } from '@angular/material/table';
import { Store } from '@ngrx/store';

import { selectTimelineRuns } from '../state/diagnostics.feature';
import { formatMs, kindLabel, outcomeText, phaseText, triggersText } from './timeline-format';

/**
 * One row per sync run of this tab, newest first, from the engine's events as they happen since
 * the app started (the slice is provided at the root); earlier sessions are in the sync log.
 */
@Component({
  selector: 'app-timeline-panel',
  imports: [DatePipe, MatTableModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './timeline-panel.html',
  styleUrl: './timeline-panel.scss',
})
export class TimelinePanel {
  protected readonly runs = inject(Store).selectSignal(selectTimelineRuns);
  protected readonly columns = ['started', 'triggers', 'waits', 'phases', 'outcome'];
  protected readonly format = { formatMs, kindLabel, outcomeText, phaseText, triggersText };
}
