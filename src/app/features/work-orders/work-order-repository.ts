import { Injectable, inject } from '@angular/core';
import {
  catchError,
  combineLatest,
  concat,
  defer,
  distinctUntilChanged,
  filter,
  map,
  of,
  shareReplay,
  startWith,
  switchMap,
  take,
  throwError,
  toArray,
  type Observable,
} from 'rxjs';
import {
  validateRecord,
  type Customer,
  type Product,
  type WorkOrder,
  type WorkOrderLine,
} from '../../../../contract/tables';
import { LocalRecordNotFoundError, SyncStore, type UnsyncedRecord } from '../../sync';
import type { WorkOrderDraft } from './work-orders.actions';
import {
  clampedPageIndex,
  customerNameSelector,
  workOrderSelector,
  type WorkOrderListPage,
  type WorkOrderListQuery,
  type WorkOrderSelector,
} from './work-orders-list.query';

/** A row's sync state: an unpushed local change, or one the server keeps refusing. */
export type SyncMarker = 'pending' | 'deadLetter';

export interface MarkerInfo {
  readonly marker: SyncMarker;
  /** The last push error, for dead letters ('' if none was recorded). */
  readonly error: string;
}

export interface WorkOrderWithLines {
  readonly order: WorkOrder;
  readonly lines: WorkOrderLine[];
}

/** A draft the registry would refuse; the form's validators should have caught it first. */
export class InvalidWorkOrderError extends Error {
  override readonly name = 'InvalidWorkOrderError';

  constructor(readonly problems: readonly string[]) {
    super(`The work order can't be saved: ${problems.join('; ')}.`);
  }
}

/**
 * The work-order feature's door to local data, all of it through SyncStore (the only door to the
 * sync collections): writes (which it marks pending and pushes soon), live reads, and the
 * records still to sync behind the per-row markers.
 */
@Injectable({ providedIn: 'root' })
export class WorkOrderRepository {
  private readonly store = inject(SyncStore);

  /**
   * One page of the work orders a search and a status filter match, live, with their count. The
   * storage filters, counts and pages: the list costs the same with 2,000 local orders as with
   * 100,000, and a pulled page never makes it read the whole table again.
   */
  watchPage(query: WorkOrderListQuery): Observable<WorkOrderListPage> {
    const term = query.search.trim();
    const customers$: Observable<Pick<Customer, 'id'>[]> = term
      ? this.store.watchTable('customers', { selector: customerNameSelector(term) })
      : of([]);
    return customers$.pipe(
      map((customers) => workOrderSelector(term, query.status, customers)),
      // A pull of master data re-emits the customers: the same selector keeps its queries.
      distinctUntilChanged((a, b) => JSON.stringify(a) === JSON.stringify(b)),
      switchMap((selector) => this.pageOf(selector, query)),
    );
  }

  private pageOf(
    selector: WorkOrderSelector,
    { index, size }: WorkOrderListQuery,
  ): Observable<WorkOrderListPage> {
    const total$ = this.store
      .watchCount('workOrders', selector)
      .pipe(shareReplay({ bufferSize: 1, refCount: true }));
    // The page asked for is read at once, beside the count (which IndexedDB takes entry by entry,
    // so it grows with the table); only a count that puts it past the end moves to the last page.
    const rows$ = total$.pipe(
      map((total) => clampedPageIndex(index, size, total)),
      startWith(index),
      distinctUntilChanged(),
      switchMap((shown) =>
        this.store
          .watchTable('workOrders', {
            selector,
            sort: [{ id: 'asc' }],
            skip: shown * size,
            limit: size,
          })
          .pipe(
            // The names come with the orders they belong to, never a page late.
            switchMap((orders) =>
              this.customerNames(orders).pipe(
                map((customerNames) => ({ orders, customerNames, shown })),
              ),
            ),
          ),
      ),
    );
    const unsynced$ = this.watchMarkers().pipe(
      map((markers) => [...markers.keys()]),
      distinctUntilChanged(sameIds),
      switchMap((ids) =>
        ids.length === 0
          ? of(0)
          : this.store.watchCount('workOrders', { ...selector, id: { $in: [...ids] } }),
      ),
    );
    return combineLatest([rows$, total$, unsynced$]).pipe(
      // A page read before the count said it is past the end is never shown.
      filter(([rows, total]) => rows.shown === clampedPageIndex(index, size, total)),
      map(([{ orders, customerNames, shown }, total, unsynced]) => ({
        orders,
        customerNames,
        total,
        unsynced,
        index: shown,
      })),
    );
  }

  private customerNames(orders: readonly WorkOrder[]): Observable<ReadonlyMap<string, string>> {
    const ids = [...new Set(orders.map((order) => order.customerId))];
    if (ids.length === 0) return of(new Map<string, string>());
    return this.store
      .watchByIds('customers', ids)
      .pipe(map((customers) => new Map(customers.map((c) => [c.id, c.name]))));
  }

  watchCustomers(): Observable<Customer[]> {
    return this.store.watchTable('customers', { sort: [{ id: 'asc' }] });
  }

  watchProducts(): Observable<Product[]> {
    return this.store.watchTable('products', { sort: [{ id: 'asc' }] });
  }

  /**
   * Work orders with something unsynced, by id. A line's change counts for its order, deleted
   * lines included: their deletion is a change the server has not seen yet.
   */
  watchMarkers(): Observable<ReadonlyMap<string, MarkerInfo>> {
    return combineLatest([
      this.store.watchUnsynced('workOrders'),
      this.store.watchUnsynced('workOrderLines'),
    ]).pipe(
      map(([orders, lines]) => {
        const markers = new Map<string, MarkerInfo>();
        const mark = (id: string, unsynced: UnsyncedRecord<unknown>) => {
          if (markers.get(id)?.marker === 'deadLetter') return;
          markers.set(id, {
            marker: unsynced.deadLetter ? 'deadLetter' : 'pending',
            error: unsynced.error,
          });
        };
        for (const order of orders) if (!order.deleted) mark(order.record.id, order);
        for (const line of lines) mark(line.record.workOrderId, line);
        return markers;
      }),
    );
  }

  /**
   * One work order and its lines as stored, live: again whenever either changes (a pull, a save
   * in another tab); null when there is none or it was deleted.
   */
  watch(id: string): Observable<WorkOrderWithLines | null> {
    return combineLatest([this.store.watchRecord('workOrders', id), this.linesOf(id)]).pipe(
      map(([order, lines]) => (order ? { order, lines } : null)),
    );
  }

  /**
   * The order first, then its lines, then the removed lines: the push sends changes oldest
   * first, so the server knows the order before a line refers to it. A stored order or line gets
   * only its changed fields. Each write is idempotent, so a save that failed half way is simply
   * saved again. Emits whether anything was written.
   */
  save(draft: WorkOrderDraft): Observable<boolean> {
    return defer(() => {
      const lines = [...draft.newLines, ...draft.changedLines.map(({ line }) => line)];
      const problems = [
        ...validateRecord('workOrders', withoutId(draft.order)),
        ...lines.flatMap((line) => validateRecord('workOrderLines', withoutId(line))),
      ];
      if (problems.length > 0) return throwError(() => new InvalidWorkOrderError(problems));
      const writes = [
        ...this.orderWrites(draft),
        ...draft.newLines.map((line) => this.store.upsertLocal('workOrderLines', line)),
        ...draft.changedLines.map(({ line, changes }) =>
          this.store.patchLocal('workOrderLines', line.id, changes),
        ),
        ...draft.removedLineIds.map((id) => this.deleteIfStored('workOrderLines', id)),
      ];
      return concat(...writes).pipe(
        toArray(),
        map(() => writes.length > 0),
      );
    });
  }

  /** Lines first, then the order: the server refuses a line whose order is gone. */
  delete(id: string): Observable<void> {
    return this.linesOf(id).pipe(
      take(1),
      switchMap((lines) =>
        concat(
          ...lines.map((line) => this.deleteIfStored('workOrderLines', line.id)),
          this.store.deleteLocal('workOrders', id),
        ),
      ),
      toArray(),
      map(() => undefined),
    );
  }

  /** A new order is written whole; a stored one gets its changed fields, or nothing. */
  private orderWrites({ order, orderChanges }: WorkOrderDraft): Observable<unknown>[] {
    if (orderChanges === null) return [this.store.upsertLocal('workOrders', order)];
    if (Object.keys(orderChanges).length === 0) return [];
    return [this.store.patchLocal('workOrders', order.id, orderChanges)];
  }

  private linesOf(workOrderId: string): Observable<WorkOrderLine[]> {
    return this.store.watchTable('workOrderLines', {
      selector: { workOrderId },
      sort: [{ id: 'asc' }],
    });
  }

  /** Already gone (another tab, a pull) is what the caller wanted: not an error. */
  private deleteIfStored(table: 'workOrderLines', id: string): Observable<unknown> {
    return this.store
      .deleteLocal(table, id)
      .pipe(
        catchError((error: unknown) =>
          error instanceof LocalRecordNotFoundError ? of(null) : throwError(() => error),
        ),
      );
  }
}

function withoutId<T extends { id: string }>(record: T): Omit<T, 'id'> {
  const { id: _id, ...fields } = record;
  return fields;
}

function sameIds(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i]);
}
