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
import {
  WORK_ORDER_STATUSES,
  type Customer,
  type Product,
  type WorkOrderLine,
} from '../../../../contract/tables';
import { WorkOrderRepository, type WorkOrderWithLines } from './work-order-repository';
import {
  LIMITS,
  knownId,
  lineGroup,
  orderGroup,
  toLine,
  toWorkOrder,
  type LineGroup,
} from './work-order-form.model';
import { STATUS_LABELS } from './work-orders-list.page';
import { WorkOrderFormActions } from './work-orders.actions';
import { selectBusy } from './work-orders.feature';

/** Options shown at once in a picker; typing narrows them down. */
const PICKER_OPTIONS = 50;

/**
 * Creates (`work-orders/new`) or edits (`work-orders/:id`) a work order and its lines. The record
 * is read once: a pull landing while the user types must not overwrite the input.
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
   * Lines as stored before this edit: removed ones are deleted on save, unchanged ones are not
   * written again (each write is a change to push).
   */
  private storedLines = new Map<string, WorkOrderLine>();
  private newId = crypto.randomUUID();

  private readonly loaded = toSignal(
    toObservable(this.id).pipe(
      switchMap((id) =>
        id
          ? this.repository.load(id).pipe(map((found) => ({ id, found })))
          : of({ id: null, found: null }),
      ),
    ),
  );
  protected readonly isNew = computed(() => !this.id());
  protected readonly state = computed(() => {
    const loaded = this.loaded();
    if (!this.id()) return 'ready';
    if (!loaded || loaded.id !== this.id()) return 'loading';
    return loaded.found ? 'ready' : 'notFound';
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
      const loaded = this.loaded();
      if (loaded?.found) untracked(() => this.fill(loaded.found!));
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
    const workOrderId = this.id() ?? this.newId;
    this.lines.push(this.newLine({ id: crypto.randomUUID(), workOrderId }));
    // Keyboard users continue in the new line.
    afterNextRender(() => this.productInputs().at(-1)?.nativeElement.focus(), {
      injector: this.injector,
    });
  }

  protected removeLine(index: number): void {
    this.lines.removeAt(index);
  }

  protected save(): void {
    if (this.busy() !== null) return;
    if (this.form.invalid || this.lines.invalid) {
      this.form.markAllAsTouched();
      this.lines.markAllAsTouched();
      return;
    }
    const order = toWorkOrder(this.id() ?? this.newId, this.form.getRawValue());
    const lines = this.lines.controls.map((line) => toLine(order.id, line.getRawValue()));
    const kept = new Set(lines.map((line) => line.id));
    const changed = lines.filter((line) => !sameLine(this.storedLines.get(line.id), line));
    this.store.dispatch(
      WorkOrderFormActions.saveRequested({
        draft: {
          order,
          lines: changed,
          removedLineIds: [...this.storedLines.keys()].filter((id) => !kept.has(id)),
          isNew: this.isNew(),
        },
      }),
    );
  }

  protected delete(): void {
    const id = this.id();
    if (!id || this.busy() !== null) return;
    const title = this.form.controls.title.value.trim() || 'This work order';
    this.store.dispatch(WorkOrderFormActions.deleteRequested({ id, title }));
  }

  protected onCustomerInput(event: Event): void {
    this.customerQuery.set((event.target as HTMLInputElement).value);
  }

  protected onProductInput(event: Event): void {
    this.productQuery.set((event.target as HTMLInputElement).value);
  }

  private fill({ order, lines }: WorkOrderWithLines): void {
    this.form.reset({
      title: order.title,
      customerId: order.customerId,
      status: order.status,
      scheduledFor: order.scheduledFor ?? '',
      notes: order.notes ?? '',
    });
    this.lines.clear();
    for (const line of lines) this.lines.push(this.newLine(line));
    this.storedLines = new Map(lines.map((line) => [line.id, line]));
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

function sameLine(stored: WorkOrderLine | undefined, line: WorkOrderLine): boolean {
  return (
    !!stored &&
    stored.productId === line.productId &&
    stored.quantity === line.quantity &&
    (stored.note ?? '') === (line.note ?? '')
  );
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
