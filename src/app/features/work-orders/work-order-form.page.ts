import {
  ChangeDetectionStrategy,
  Component,
  ElementRef,
  Injector,
  afterNextRender,
  computed,
  effect,
  inject,
  input,
  signal,
  untracked,
  viewChildren,
} from '@angular/core';
import { toObservable, toSignal } from '@angular/core/rxjs-interop';
import { FormArray, ReactiveFormsModule } from '@angular/forms';
import { MatAutocompleteModule } from '@angular/material/autocomplete';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { RouterLink } from '@angular/router';
import { Store } from '@ngrx/store';
import { map, of, switchMap } from 'rxjs';
import { WORK_ORDER_STATUSES, type Customer, type Product } from '../../../../contract/tables';
import { WorkOrderRepository, type WorkOrderWithLines } from './work-order-repository';
import {
  LIMITS,
  buildDraft,
  knownId,
  lineGroup,
  lineValue,
  orderGroup,
  orderValue,
  type LineGroup,
  type LineValue,
  type ShownOrder,
} from './work-order-form.model';
import { addToNotice, mergeStored, noticeText, type ChangeNotice } from './work-order-form.merge';
import { STATUS_LABELS } from './work-orders-list.page';
import { WorkOrderFormActions } from './work-orders.actions';
import { selectBusy } from './work-orders.feature';

/** Options shown at once in a picker; typing narrows them down. */
const PICKER_OPTIONS = 50;

/**
 * Creates (`work-orders/new`) or edits (`work-orders/:id`) a work order and its lines. While it
 * is open it watches the stored record: a change made elsewhere (a pull, another tab) shows in
 * the fields the user left alone and is named in a notice; the user's input is never overwritten.
 * A save writes only what the user changed (the rules: work-order-form.model.ts, .merge.ts).
 */
@Component({
  selector: 'app-work-order-form-page',
  imports: [
    ReactiveFormsModule,
    MatAutocompleteModule,
    MatButtonModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    MatSelectModule,
    RouterLink,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './work-order-form.page.html',
  styleUrl: './work-order-form.page.scss',
})
export class WorkOrderFormPage {
  private readonly store = inject(Store);
  private readonly repository = inject(WorkOrderRepository);
  private readonly injector = inject(Injector);

  /** The route's `:id`; absent on `work-orders/new`. */
  readonly id = input<string>();

  protected readonly limits = LIMITS;
  protected readonly statuses = WORK_ORDER_STATUSES;
  protected readonly statusLabels = STATUS_LABELS;
  protected readonly busy = this.store.selectSignal(selectBusy);
  private readonly productInputs = viewChildren<ElementRef<HTMLInputElement>>('productInput');

  private readonly customers = toSignal(this.repository.watchCustomers(), { initialValue: null });
  private readonly products = toSignal(this.repository.watchProducts(), { initialValue: null });
  private readonly customerById = computed(() => byId(this.customers()));
  private readonly productById = computed(() => byId(this.products()));

  protected readonly form = orderGroup(knownId(() => this.customerById()));
  protected readonly lines = new FormArray<LineGroup>([]);
  /**
   * The stored version the form shows changes against: the one it opened with, advanced to each
   * newer stored version as it arrives. A save writes only what differs from it.
   */
  private snapshot: WorkOrderWithLines | null = null;
  private readonly newId = crypto.randomUUID();

  /** The stored work order, live: its first version fills the form, later ones are merged. */
  private readonly stored = toSignal(
    toObservable(this.id).pipe(
      switchMap((id) =>
        id
          ? this.repository.watch(id).pipe(map((found) => ({ id, found })))
          : of({ id: null, found: null }),
      ),
    ),
  );
  protected readonly isNew = computed(() => !this.id());
  protected readonly state = computed(() => {
    const stored = this.stored();
    if (!this.id()) return 'ready';
    if (!stored || stored.id !== this.id()) return 'loading';
    if (stored.found) return 'ready';
    return this.opened() ? 'deleted' : 'notFound';
  });
  /** The form has shown a stored version (so a later absence is a deletion). */
  private readonly opened = signal(false);
  /** This form asked for the delete: its own deletion is no news to the user. */
  protected readonly deletedHere = signal(false);
  protected readonly notice = signal<ChangeNotice | null>(null);
  protected readonly noticeText = computed(() => {
    const notice = this.notice();
    return notice ? noticeText(notice) : [];
  });

  protected readonly customerQuery = signal('');
  protected readonly productQuery = signal('');
  protected readonly customerOptions = computed(() =>
    pick(this.customers(), this.customerQuery(), (c) => `${c.name} ${c.city}`),
  );
  protected readonly productOptions = computed(() =>
    pick(this.products(), this.productQuery(), (p) => `${p.sku} ${p.name}`),
  );
  protected readonly customerName = (id: string | null): string =>
    (id && this.customerById()?.get(id)?.name) || (id ?? '');
  protected readonly productName = (id: string | null): string => {
    const product = id ? this.productById()?.get(id) : undefined;
    return product ? productLabel(product) : (id ?? '');
  };

  constructor() {
    effect(() => {
      const found = this.stored()?.found;
      if (found) untracked(() => this.show(found));
    });
    effect(() => {
      if (this.busy() === 'deleting') this.deletedHere.set(true);
    });
    // Ids written before the master data arrived were shown raw and checked against nothing.
    effect(() => {
      this.customerById();
      this.productById();
      untracked(() => this.refreshPickers());
    });
  }

  protected productOptionLabel(product: Product): string {
    return productLabel(product);
  }

  protected addLine(): void {
    this.lines.push(this.newLine({ id: crypto.randomUUID() }));
    // Keyboard users continue in the new line.
    afterNextRender(() => this.productInputs().at(-1)?.nativeElement.focus(), {
      injector: this.injector,
    });
  }

  protected removeLine(index: number): void {
    this.lines.removeAt(index);
  }

  protected save(): void {
    if (this.busy() !== null || this.state() !== 'ready') return;
    if (this.form.invalid || this.lines.invalid) {
      this.form.markAllAsTouched();
      this.lines.markAllAsTouched();
      return;
    }
    const draft = buildDraft(this.id() ?? this.newId, this.snapshot, this.shown());
    this.store.dispatch(WorkOrderFormActions.saveRequested({ draft }));
  }

  protected dismissNotice(): void {
    this.notice.set(null);
  }

  protected delete(): void {
    const id = this.id();
    if (!id || this.busy() !== null || this.state() !== 'ready') return;
    const title = this.form.controls.title.value.trim() || 'This work order';
    this.store.dispatch(WorkOrderFormActions.deleteRequested({ id, title }));
  }

  protected onCustomerInput(event: Event): void {
    this.customerQuery.set((event.target as HTMLInputElement).value);
  }

  protected onProductInput(event: Event): void {
    this.productQuery.set((event.target as HTMLInputElement).value);
  }

  /** The first stored version fills the form; a newer one is merged into what it shows. */
  private show(stored: WorkOrderWithLines): void {
    const opened = this.snapshot;
    this.snapshot = stored;
    this.opened.set(true);
    if (!opened) {
      this.form.reset(orderValue(stored.order));
      this.showLines(stored.lines.map(lineValue));
      return;
    }
    const merged = mergeStored(opened, stored, this.shown());
    this.form.patchValue(merged.order);
    this.showLines(merged.lines);
    this.notice.update((notice) => addToNotice(notice, merged));
  }

  private shown(): ShownOrder {
    return {
      order: this.form.getRawValue(),
      lines: this.lines.controls.map((line) => line.getRawValue()),
    };
  }

  /** Keeps each line's controls (and so its focus and touched state), changing only values. */
  private showLines(values: readonly LineValue[]): void {
    const current = new Map(this.lines.controls.map((line) => [line.controls.id.value, line]));
    const next = values.map((value) => {
      const line = current.get(value.id);
      if (!line) return this.newLine(value);
      for (const [field, control] of Object.entries(line.controls)) {
        const wanted = value[field as keyof LineValue];
        if (control.value !== wanted) control.setValue(wanted as never);
      }
      return line;
    });
    const same =
      next.length === this.lines.length && next.every((line, i) => line === this.lines.at(i));
    if (same) return;
    this.lines.clear();
    for (const line of next) this.lines.push(line);
  }

  private newLine(line: Parameters<typeof lineGroup>[0]): LineGroup {
    return lineGroup(
      line,
      knownId(() => this.productById()),
    );
  }

  private refreshPickers(): void {
    const customer = this.form.controls.customerId;
    customer.setValue(customer.value);
    for (const line of this.lines.controls) {
      line.controls.productId.setValue(line.controls.productId.value);
    }
  }
}

function byId<T extends { id: string }>(records: readonly T[] | null): Map<string, T> | null {
  return records ? new Map(records.map((record) => [record.id, record])) : null;
}

function productLabel(product: Product): string {
  return `${product.name} (${product.sku})`;
}

function pick<T extends Customer | Product>(
  records: readonly T[] | null,
  query: string,
  text: (record: T) => string,
): T[] {
  const term = query.trim().toLowerCase();
  const matching = term
    ? (records ?? []).filter((record) => text(record).toLowerCase().includes(term))
    : (records ?? []);
  return matching.slice(0, PICKER_OPTIONS);
}
