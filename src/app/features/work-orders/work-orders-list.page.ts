import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { toObservable, toSignal } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatPaginatorModule, type PageEvent } from '@angular/material/paginator';
import { MatSelectModule } from '@angular/material/select';
import { MatTableModule } from '@angular/material/table';
import { MatTooltipModule } from '@angular/material/tooltip';
import { RouterLink } from '@angular/router';
import { Store } from '@ngrx/store';
import { switchMap } from 'rxjs';
import { WORK_ORDER_STATUSES, type WorkOrderStatus } from '../../../../contract/tables';
import { WorkOrderRepository, type MarkerInfo } from './work-order-repository';
import { WorkOrdersListActions, type StatusFilter } from './work-orders.actions';
import type { WorkOrderListQuery } from './work-orders-list.query';
import { selectSearch, selectStatus } from './work-orders.feature';

export const STATUS_LABELS: Record<WorkOrderStatus, string> = {
  open: 'Open',
  inProgress: 'In progress',
  done: 'Done',
  cancelled: 'Cancelled',
};

export const MARKER_VIEW = {
  pending: { icon: 'cloud_upload', text: 'Pending' },
  deadLetter: { icon: 'report', text: 'Dead letter' },
} as const;

const PAGE_SIZES = [25, 50, 100];

/** The work orders in the local database, live: they appear as the sync brings them. */
@Component({
  selector: 'app-work-orders-list-page',
  imports: [
    MatButtonModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    MatPaginatorModule,
    MatSelectModule,
    MatTableModule,
    MatTooltipModule,
    RouterLink,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './work-orders-list.page.html',
  styleUrl: './work-orders-list.page.scss',
})
export class WorkOrdersListPage {
  private readonly store = inject(Store);
  private readonly repository = inject(WorkOrderRepository);

  protected readonly columns = ['title', 'customer', 'status', 'scheduledFor', 'sync'];
  protected readonly statuses = WORK_ORDER_STATUSES;
  protected readonly statusLabels = STATUS_LABELS;
  protected readonly pageSizes = PAGE_SIZES;
  protected readonly search = this.store.selectSignal(selectSearch);
  protected readonly status = this.store.selectSignal(selectStatus);
  protected readonly page = signal({ index: 0, size: PAGE_SIZES[0] });

  private readonly query = computed<WorkOrderListQuery>(() => ({
    search: this.search(),
    status: this.status(),
    ...this.page(),
  }));
  /** The page shown and its count, from the storage: never the whole table (performance.md). */
  private readonly listPage = toSignal(
    toObservable(this.query).pipe(switchMap((query) => this.repository.watchPage(query))),
    { initialValue: undefined },
  );
  private readonly markers = toSignal(this.repository.watchMarkers(), {
    initialValue: new Map<string, MarkerInfo>(),
  });

  protected readonly loading = computed(() => this.listPage() === undefined);
  protected readonly filtering = computed(() => !!this.search().trim() || this.status() !== 'all');
  protected readonly total = computed(() => this.listPage()?.total ?? 0);
  protected readonly pageIndex = computed(() => this.listPage()?.index ?? 0);
  protected readonly rows = computed(() => {
    const page = this.listPage();
    const markers = this.markers();
    return (page?.orders ?? []).map((order) => ({
      ...order,
      customer: page?.customerNames.get(order.customerId) ?? order.customerId,
      statusLabel: STATUS_LABELS[order.status],
      sync: withView(markers.get(order.id)),
    }));
  });
  protected readonly summary = computed(() => {
    const total = this.total();
    const unsynced = this.listPage()?.unsynced ?? 0;
    const count = `${total.toLocaleString('en-US')} work ${total === 1 ? 'order' : 'orders'}`;
    return unsynced > 0 ? `${count}, ${unsynced.toLocaleString('en-US')} not synced yet` : count;
  });

  protected onSearch(event: Event): void {
    const search = (event.target as HTMLInputElement).value;
    this.store.dispatch(WorkOrdersListActions.searchChanged({ search }));
    this.page.update((page) => ({ ...page, index: 0 }));
  }

  protected onStatus(status: StatusFilter): void {
    this.store.dispatch(WorkOrdersListActions.statusFilterChanged({ status }));
    this.page.update((page) => ({ ...page, index: 0 }));
  }

  protected onPage(event: PageEvent): void {
    this.page.set({ index: event.pageIndex, size: event.pageSize });
  }
}

function withView(info: MarkerInfo | undefined) {
  return info ? { ...info, ...MARKER_VIEW[info.marker] } : null;
}
