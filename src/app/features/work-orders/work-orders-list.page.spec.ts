import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { TestBed } from '@angular/core/testing';
import { MatInputHarness } from '@angular/material/input/testing';
import { MatPaginatorHarness } from '@angular/material/paginator/testing';
import { MatSelectHarness } from '@angular/material/select/testing';
import { MatTableHarness } from '@angular/material/table/testing';
import { provideRouter } from '@angular/router';
import { provideStore, provideState } from '@ngrx/store';
import { BehaviorSubject, map, type Observable } from 'rxjs';
import { WorkOrderRepository, type MarkerInfo } from './work-order-repository';
import { WorkOrdersListPage } from './work-orders-list.page';
import { workOrdersFeature } from './work-orders.feature';
import { workOrder } from '../../../testing/records';
import { CUSTOMERS } from './work-orders.testing';
import type { WorkOrderListPage, WorkOrderListQuery } from './work-orders-list.query';

describe('WorkOrdersListPage', () => {
  let markers: BehaviorSubject<ReadonlyMap<string, MarkerInfo>>;
  /** The page the fake storage answers with, and every query the page asked for. */
  let stored: BehaviorSubject<Omit<WorkOrderListPage, 'index'>>;
  let queries: WorkOrderListQuery[];

  async function render() {
    queries = [];
    stored = new BehaviorSubject<Omit<WorkOrderListPage, 'index'>>({
      orders: [
        workOrder('wo-1', { title: 'Replace filter', customerId: 'c1', status: 'open' }),
        workOrder('wo-2', { title: 'Inspect valve', customerId: 'c2', status: 'done' }),
        workOrder('wo-3', { title: 'Annual check', customerId: 'c2', status: 'open' }),
      ],
      total: 3,
      unsynced: 2,
      customerNames: new Map(CUSTOMERS.map((c) => [c.id, c.name])),
    });
    markers = new BehaviorSubject<ReadonlyMap<string, MarkerInfo>>(
      new Map([
        ['wo-1', { marker: 'pending', error: '' }],
        ['wo-2', { marker: 'deadLetter', error: 'Rejected: "title" is required' }],
      ]),
    );
    const watchPage = (query: WorkOrderListQuery): Observable<WorkOrderListPage> => {
      queries.push(query);
      return stored.pipe(map((shown) => ({ ...shown, index: query.index })));
    };
    TestBed.configureTestingModule({
      imports: [WorkOrdersListPage],
      providers: [
        provideRouter([]),
        provideStore(),
        provideState(workOrdersFeature),
        {
          provide: WorkOrderRepository,
          useValue: { watchPage, watchMarkers: () => markers },
        },
      ],
    });
    const fixture = TestBed.createComponent(WorkOrdersListPage);
    await fixture.whenStable();
    const loader = TestbedHarnessEnvironment.loader(fixture);
    const element = fixture.nativeElement as HTMLElement;
    const titles = async () => {
      const table = await loader.getHarnessOrNull(MatTableHarness);
      return table ? (await table.getCellTextByColumnName())['title'].text : [];
    };
    return { fixture, loader, element, titles };
  }

  it('lists the page of work orders with customer names and links to each one', async () => {
    const { loader, element, titles } = await render();
    expect(queries).toEqual([{ search: '', status: 'all', index: 0, size: 25 }]);
    expect(await titles()).toEqual(['Replace filter', 'Inspect valve', 'Annual check']);
    const columns = await (await loader.getHarness(MatTableHarness)).getCellTextByColumnName();
    expect(columns['customer'].text).toEqual(['Acme Corp', 'Globex', 'Globex']);
    const links = [...element.querySelectorAll<HTMLAnchorElement>('a.row-link')];
    expect(links.map((a) => a.getAttribute('href'))).toEqual([
      '/work-orders/wo-1',
      '/work-orders/wo-2',
      '/work-orders/wo-3',
    ]);
    expect(element.querySelector('a[href="/work-orders/new"]')?.textContent).toContain(
      'New work order',
    );
  });

  it('asks the storage for the search and the status, from the first page', async () => {
    const { loader, fixture } = await render();
    const paginator = await loader.getHarness(MatPaginatorHarness);
    stored.next({ ...stored.value, total: 60 });
    await paginator.goToNextPage();
    expect(queries.at(-1)).toEqual({ search: '', status: 'all', index: 1, size: 25 });

    await (await loader.getHarness(MatInputHarness)).setValue('globex');
    await fixture.whenStable();
    expect(queries.at(-1)).toEqual({ search: 'globex', status: 'all', index: 0, size: 25 });
    const status = await loader.getHarness(MatSelectHarness);
    await status.open();
    await status.clickOptions({ text: 'Open' });
    await fixture.whenStable();
    expect(queries.at(-1)).toEqual({ search: 'globex', status: 'open', index: 0, size: 25 });
  });

  it('says so when nothing matches the filters', async () => {
    const { loader, element, fixture, titles } = await render();
    await (await loader.getHarness(MatInputHarness)).setValue('nothing like it');
    stored.next({ ...stored.value, orders: [], total: 0, unsynced: 0 });
    await fixture.whenStable();
    expect(await titles()).toEqual([]);
    expect(element.textContent).toContain('No work order matches these filters.');
  });

  it('shows the count of all matches in the summary and the paginator', async () => {
    const { loader, element, fixture } = await render();
    stored.next({ ...stored.value, total: 100_000, unsynced: 12 });
    await fixture.whenStable();
    expect(element.querySelector('[role="status"]')?.textContent).toContain(
      '100,000 work orders, 12 not synced yet',
    );
    const paginator = await loader.getHarness(MatPaginatorHarness);
    expect(await paginator.getRangeLabel()).toBe('1 – 25 of 100000');
  });

  it('marks pending and dead-letter rows with an icon and words', async () => {
    const { loader, element } = await render();
    const columns = await (await loader.getHarness(MatTableHarness)).getCellTextByColumnName();
    const sync = columns['sync'].text;
    expect(sync[0]).toContain('Pending');
    expect(sync[1]).toContain('Dead letter');
    expect(sync[2]).toBe('');
    const icons = element.querySelectorAll('.marker mat-icon[aria-hidden="true"]');
    expect(icons.length).toBe(2);
    expect(element.querySelector('[role="status"]')?.textContent).toContain(
      '3 work orders, 2 not synced yet',
    );
  });

  it('updates the markers live as the sync moves on', async () => {
    const { fixture, loader } = await render();
    markers.next(new Map());
    await fixture.whenStable();
    const columns = await (await loader.getHarness(MatTableHarness)).getCellTextByColumnName();
    expect(columns['sync'].text).toEqual(['', '', '']);
  });
});
