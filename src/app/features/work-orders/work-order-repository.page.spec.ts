import { TestBed } from '@angular/core/testing';
import { filter, firstValueFrom, ReplaySubject } from 'rxjs';
import type { ServerRecord } from '../../../../contract/protocol';
import type { TableName } from '../../../../contract/tables';
import { RxCollectionBase, type RxQuery } from 'rxdb';
import { SyncStore } from '../../sync';
import {
  provideTestLocalDb,
  removeTestLocalDb,
  serverWorkOrder,
  TEST_EPOCH,
} from '../../sync/testing';
import { WorkOrderRepository } from './work-order-repository';
import type { WorkOrderListPage, WorkOrderListQuery } from './work-orders-list.query';
import { workOrder } from '../../../testing/records';
import { CUSTOMERS } from './work-orders.testing';

const ALL: WorkOrderListQuery = { search: '', status: 'all', index: 0, size: 25 };
const id = (n: number) => `wo-${String(n).padStart(3, '0')}`;

/** The list's page and count come from the storage (RxDB memory storage here). */
describe('WorkOrderRepository.watchPage (RxDB)', () => {
  let repository: WorkOrderRepository;
  let store: SyncStore;

  const pulled = (table: TableName, records: ServerRecord[]) =>
    firstValueFrom(store.applyPulledBatch('u1', table, records, `${table}-1`));
  const page = (query: Partial<WorkOrderListQuery>) =>
    firstValueFrom(repository.watchPage({ ...ALL, ...query }));
  const ids = (shown: WorkOrderListPage) => shown.orders.map((order) => order.id);

  beforeEach(async () => {
    TestBed.configureTestingModule({ providers: [provideTestLocalDb()] });
    repository = TestBed.inject(WorkOrderRepository);
    store = TestBed.inject(SyncStore);
    await pulled(
      'customers',
      CUSTOMERS.map(({ id: customerId, ...data }) => ({
        id: customerId,
        rev: 1,
        deleted: false,
        data,
        updatedAt: TEST_EPOCH,
      })),
    );
    // 60 orders: every third for Globex (c2) and done; titles "Job 1".."Job 60"; #7 "Fix (a) pump".
    await pulled(
      'workOrders',
      Array.from({ length: 60 }, (_, i) =>
        serverWorkOrder(id(i + 1), i + 2, {
          title: i + 1 === 7 ? 'Fix (a) pump' : `Job ${i + 1}`,
          customerId: (i + 1) % 3 === 0 ? 'c2' : 'c1',
          status: (i + 1) % 3 === 0 ? 'done' : 'open',
        }),
      ),
    );
  });

  afterEach(() => removeTestLocalDb());

  it('reads one page in id order and counts them all', async () => {
    const first = await page({});
    expect(first.total).toBe(60);
    expect(ids(first)).toEqual(Array.from({ length: 25 }, (_, i) => id(i + 1)));
    expect(first.customerNames).toEqual(
      new Map([
        ['c1', 'Acme Corp'],
        ['c2', 'Globex'],
      ]),
    );

    const third = await page({ index: 2 });
    expect(ids(third)).toEqual(Array.from({ length: 10 }, (_, i) => id(i + 51)));
    expect(third.index).toBe(2);
  });

  it('asks for the page without waiting for the count: the first rows never wait on it', async () => {
    const counted = new ReplaySubject<number>(1);
    spyOn(store, 'watchCount').and.returnValue(counted);
    const reads = spyOn(store, 'watchTable').and.callThrough();
    const shown = firstValueFrom(repository.watchPage({ ...ALL, index: 1, size: 10 }));

    await firstValueFrom(store.watchTable('workOrders')); // the storage has answered a read since
    expect(reads).toHaveBeenCalledWith(
      'workOrders',
      jasmine.objectContaining({ skip: 10, limit: 10 }),
    );
    counted.next(60);
    expect(ids(await shown)).toEqual(Array.from({ length: 10 }, (_, i) => id(i + 11)));
  });

  it('shows the last page when the one asked for is past the end', async () => {
    const shown = await page({ index: 9, size: 50 });
    expect([shown.index, shown.orders.length, shown.total]).toEqual([1, 10, 60]);
  });

  it('never shows the empty page read past the end before the count came', async () => {
    const counted = new ReplaySubject<number>(1);
    spyOn(store, 'watchCount').and.returnValue(counted);
    const shown = firstValueFrom(repository.watchPage({ ...ALL, index: 9, size: 50 }));
    await firstValueFrom(store.watchTable('workOrders')); // page 9 (empty) has been read

    counted.next(60);
    const first = await shown;
    expect([first.index, first.orders.length, first.total]).toEqual([1, 10, 60]);
  });

  it('searches titles and customer names case-insensitively, the term taken literally', async () => {
    expect(ids(await page({ search: 'FIX (A' }))).toEqual([id(7)]);
    const globex = await page({ search: 'globex', size: 100 });
    expect(globex.total).toBe(20);
    expect(globex.orders.every((order) => order.customerId === 'c2')).toBeTrue();
    expect((await page({ search: 'job 1', size: 100 })).total).toBe(11); // 1, 10..19
    expect((await page({ search: '.*' })).total).toBe(0);
  });

  it('filters by status, together with the search', async () => {
    expect((await page({ status: 'done' })).total).toBe(20);
    expect(ids(await page({ status: 'open', search: 'job 3' }))).toEqual([
      id(31),
      id(32),
      id(34),
      id(35),
      id(37),
      id(38),
    ]);
  });

  it('leaves local deletions out and counts the matching orders not synced yet', async () => {
    await firstValueFrom(store.deleteLocal('workOrders', id(1)));
    await firstValueFrom(store.patchLocal('workOrders', id(3), { title: 'Job 3 edited' }));
    await firstValueFrom(
      store.upsertLocal('workOrders', workOrder('wo-new', { customerId: 'c2' })),
    );

    const all = await page({});
    expect(all.total).toBe(60);
    expect(ids(all)[0]).toBe(id(2));
    expect(all.unsynced).toBe(2);
    expect((await page({ search: 'edited' })).unsynced).toBe(1);
  });

  it('follows the storage live: a pulled order is counted and shown', async () => {
    const pages = new ReplaySubject<WorkOrderListPage>(Infinity);
    const subscription = repository.watchPage({ ...ALL, size: 100 }).subscribe(pages);
    await firstValueFrom(pages.pipe(filter((shown) => shown.total === 60)));

    await pulled('workOrders', [serverWorkOrder('wo-000', 99, { customerId: 'c2' })]);

    // The count and the rows are two live queries, each updated as the storage tells it.
    const latest = await firstValueFrom(pages.pipe(filter((shown) => ids(shown)[0] === 'wo-000')));
    subscription.unsubscribe();
    expect([latest.total, latest.orders.length]).toEqual([61, 61]);
    expect(latest.customerNames.get('c2')).toBe('Globex');
  });

  it("reads a synced device's first screen through indexes only, never the whole table", async () => {
    const queries: RxQuery[] = [];
    type Method = (this: unknown, query: unknown) => RxQuery;
    const prototype = RxCollectionBase.prototype as unknown as Record<string, Method>;
    for (const method of ['find', 'count']) {
      const original = prototype[method]!;
      spyOn(prototype, method).and.callFake(function (this: unknown, query: unknown) {
        const made = original.call(this, query);
        queries.push(made);
        return made;
      });
    }

    await page({});

    // The page, its count and the unsynced markers (pending; parked) of orders and lines.
    expect(queries.length).toBeGreaterThanOrEqual(6);
    const plans = queries.map((query) => query.getPreparedQuery().queryPlan);
    expect(plans.filter((plan) => !plan.selectorSatisfiedByIndex)).toEqual([]);
  });
});
