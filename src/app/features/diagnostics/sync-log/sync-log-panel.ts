import { ScrollingModule } from '@angular/cdk/scrolling';
import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { MatButtonToggleModule } from '@angular/material/button-toggle';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { map } from 'rxjs';

import { SyncLog, type SyncLogDoc, type SyncLogLevel } from '../../../sync';

export const LOG_LEVELS: readonly SyncLogLevel[] = ['debug', 'info', 'warn', 'error'];

/** One row of the virtual list: fixed height, so the viewport can place rows without measuring. */
export const LOG_ROW_PX = 44;

interface LogRow {
  readonly entry: SyncLogDoc;
  /** Lower-case text the filter searches: message, kind, phase, run, tab and data. */
  readonly haystack: string;
  readonly data: string;
}

/**
 * The persisted sync log (every tab's, newest first), live. Debug entries (progress, lock
 * details) are hidden at first: they are most of the log and rarely what one looks for.
 */
@Component({
  selector: 'app-sync-log-panel',
  imports: [DatePipe, MatButtonToggleModule, MatFormFieldModule, MatInputModule, ScrollingModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './sync-log-panel.html',
  styleUrl: './sync-log-panel.scss',
})
export class SyncLogPanel {
  protected readonly levels = LOG_LEVELS;
  protected readonly rowPx = LOG_ROW_PX;
  protected readonly shownLevels = signal<readonly SyncLogLevel[]>(['info', 'warn', 'error']);
  protected readonly search = signal('');

  private readonly rows = toSignal(
    inject(SyncLog)
      .entries$()
      .pipe(map((entries) => entries.map(toRow).reverse())),
    { initialValue: undefined },
  );

  protected readonly loading = computed(() => this.rows() === undefined);
  protected readonly total = computed(() => this.rows()?.length ?? 0);
  protected readonly visible = computed(() => {
    const levels = this.shownLevels();
    const term = this.search().trim().toLowerCase();
    return (this.rows() ?? []).filter(
      (row) => levels.includes(row.entry.level) && (!term || row.haystack.includes(term)),
    );
  });
  protected readonly summary = computed(() => {
    const shown = this.visible().length;
    const total = this.total();
    const entries = `${total.toLocaleString('en-US')} ${total === 1 ? 'entry' : 'entries'}`;
    return shown === total ? entries : `${shown.toLocaleString('en-US')} of ${entries}`;
  });

  protected onLevels(levels: SyncLogLevel[]): void {
    this.shownLevels.set(levels);
  }

  protected onSearch(event: Event): void {
    this.search.set((event.target as HTMLInputElement).value);
  }

  protected trackById(_index: number, row: LogRow): string {
    return row.entry.id;
  }
}

function toRow(entry: SyncLogDoc): LogRow {
  const data = entry.data ? JSON.stringify(entry.data) : '';
  const haystack = [entry.message, entry.kind, entry.phase, entry.runId, entry.tabId, data]
    .join(' ')
    .toLowerCase();
  return { entry, haystack, data };
}
