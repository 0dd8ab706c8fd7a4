import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { Store } from '@ngrx/store';

import { tableSpec } from '../../../../../contract/tables';
import { SyncStore, type DeadLetter } from '../../../sync';
import { DeadLetterActions, type DeadLetterKey } from '../state/diagnostics.actions';
import { deadLetterKey, selectResolving } from '../state/diagnostics.feature';
import { compareVersions, type FieldRow } from './record-diff';

interface LetterView {
  readonly letter: DeadLetter;
  readonly key: string;
  readonly label: string;
  readonly rows: readonly FieldRow[];
}

/**
 * Changes the push gave up on, with both versions of a conflict side by side. Reads the local
 * database live (a resolution shows at once, in every tab); resolutions go through the store.
 */
@Component({
  selector: 'app-dead-letters-panel',
  imports: [DatePipe, MatButtonModule, MatCardModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './dead-letters-panel.html',
  styleUrl: './dead-letters-panel.scss',
})
export class DeadLettersPanel {
  private readonly store = inject(Store);
  private readonly letters = toSignal(inject(SyncStore).watchDeadLetters(), {
    initialValue: undefined,
  });
  private readonly resolving = this.store.selectSignal(selectResolving);

  protected readonly loading = computed(() => this.letters() === undefined);
  protected readonly views = computed<LetterView[]>(() =>
    (this.letters() ?? []).map((letter) => ({
      letter,
      key: deadLetterKey(letter),
      label: tableSpec(letter.table).label,
      rows: compareVersions(letter),
    })),
  );

  protected busy(view: LetterView): boolean {
    return this.resolving().includes(view.key);
  }

  protected keepMine({ table, id }: DeadLetterKey): void {
    this.store.dispatch(DeadLetterActions.keepMineClicked({ table, id }));
  }

  protected useServer({ table, id }: DeadLetterKey): void {
    this.store.dispatch(DeadLetterActions.useServerClicked({ table, id }));
  }

  protected retry({ table, id }: DeadLetterKey): void {
    this.store.dispatch(DeadLetterActions.retryClicked({ table, id }));
  }

  protected discard({ table, id }: DeadLetterKey): void {
    this.store.dispatch(DeadLetterActions.discardClicked({ table, id }));
  }
}
