import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { TestBed } from '@angular/core/testing';
import { MatInputHarness } from '@angular/material/input/testing';
import { MatSelectHarness } from '@angular/material/select/testing';
import { MatTableHarness } from '@angular/material/table/testing';
import { provideRouter } from '@angular/router';
import { provideStore, provideState } from '@ngrx/store';
import { BehaviorSubject } from 'rxjs';
import type { WorkOrder } from '../../../../contract/tables';
import { WorkOrderRepository, type MarkerInfo } from './work-order-repository';
import { WorkOrdersListPage } from './work-orders-list.page';
import { workOrdersFeature } from './work-orders.feature';
import { workOrder } from '../../../testing/records';
import { CUSTOMERS } from './work-orders.testing';

describe('WorkOrdersListPage', () => {
  let orders: BehaviorSubject<WorkOrder[]>;
  let markers: BehaviorSubject<ReadonlyMap<string, MarkerInfo>>;

  async function render() {
    orders = new BehaviorSubject([
      workOrder('wo-1', { title: 'Replace filter', customerId: 'c1', status: 'open' }),
      workOrder('wo-2', { title: 'Inspect valve', customerId: 'c2', status: 'done' }),
      workOrder('wo-3', { title: 'Annual check', customerId: 'c2', status: 'open' }),
    ]);
    markers = new BehaviorSubject<ReadonlyMap<string, MarkerInfo>>(
      new Map([
        ['wo-1', { marker: 'pending', error: '' }],
        ['wo-2', { marker: 'deadLetter', error: 'Rejected: "title" is required' }],
      ]),
    );
    TestBed.configureTestingModule({
      imports: [WorkOrdersListPage],
      providers: [
        provideRouter([]),
        provideStore(),
        provideState(workOrdersFeature),
        {
          provide: WorkOrderRepository,
          useValue: {
            watchWorkOrders: () => orders,
            watchCustomers: () => new BehaviorSubject(CUSTOMERS),
            watchMarkers: () => markers,
          },
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

  it('lists the work orders with customer names and links to each one', async () => {
    const { loader, element, titles } = await render();
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

  it('searches by title and by customer name', async () => {
    const { loader, titles, element } = await render();
    const search = await loader.getHarness(MatInputHarness);
    await search.setValue('valve');
    expect(await titles()).toEqual(['Inspect valve']);
    await search.setValue('globex');
    expect(await titles()).toEqual(['Inspect valve', 'Annual check']);
    await search.setValue('nothing like it');
    expect(await titles()).toEqual([]);
    expect(element.textContent).toContain('No work order matches these filters.');
  });

  it('filters by status, together with the search', async () => {
    const { loader, titles } = await render();
    const status = await loader.getHarness(MatSelectHarness);
    await status.open();
    await status.clickOptions({ text: 'Open' });
    expect(await titles()).toEqual(['Replace filter', 'Annual check']);
    await (await loader.getHarness(MatInputHarness)).setValue('acme');
    expect(await titles()).toEqual(['Replace filter']);
    await status.open();
    await status.clickOptions({ text: 'All statuses' });
    await (await loader.getHarness(MatInputHarness)).setValue('');
    expect((await titles()).length).toBe(3);
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
