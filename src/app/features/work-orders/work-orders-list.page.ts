import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatTableModule } from '@angular/material/table';
import { map } from 'rxjs';
import type { WorkOrderStatus } from '../../../../contract/tables';
import { SyncStore } from '../../sync/local';

export const STATUS_LABELS: Record<WorkOrderStatus, string> = {
  open: 'Open',
  inProgress: 'In progress',
  done: 'Done',
  cancelled: 'Cancelled',
};

/** Rows shown at once; the search narrows the rest down. */
const PAGE_ROWS = 200;

/** The work orders in the local database, live: they appear as the sync brings them. */
@Component({
  selector: 'app-work-orders-list-page',
  imports: [MatFormFieldModule, MatInputModule, MatTableModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './work-orders-list.page.html',
  styleUrl: './work-orders-list.page.scss',
})
export class WorkOrdersListPage {
  private readonly store = inject(SyncStore);

  protected readonly columns = ['title', 'customer', 'status', 'scheduledFor'];
  protected readonly search = signal('');

  private readonly workOrders = toSignal(
    this.store.watchTable('workOrders', { sort: [{ id: 'asc' }] }),
    { initialValue: undefined },
  );
  private readonly customerNames = toSignal(
    this.store
      .watchTable('customers')
      .pipe(map((customers) => new Map(customers.map((c) => [c.id, c.name])))),
    { initialValue: new Map<string, string>() },
  );

  protected readonly loading = computed(() => this.workOrders() === undefined);
  protected readonly matching = computed(() => {
    const term = this.search().trim().toLowerCase();
    const names = this.customerNames();
    return (this.workOrders() ?? [])
      .map((order) => ({
        ...order,
        customer: names.get(order.customerId) ?? order.customerId,
        statusLabel: STATUS_LABELS[order.status],
      }))
      .filter(
        (order) =>
          !term ||
          order.title.toLowerCase().includes(term) ||
          order.customer.toLowerCase().includes(term),
      );
  });
  protected readonly rows = computed(() => this.matching().slice(0, PAGE_ROWS));
  protected readonly summary = computed(() => {
    const total = this.matching().length;
    const shown = this.rows().length;
    const count = `${total.toLocaleString('en-US')} work ${total === 1 ? 'order' : 'orders'}`;
    return shown < total ? `${count}, showing the first ${shown}` : count;
  });

  protected onSearch(event: Event): void {
    this.search.set((event.target as HTMLInputElement).value);
  }
}
