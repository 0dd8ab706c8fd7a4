import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatInputHarness } from '@angular/material/input/testing';
import { MatPaginatorHarness } from '@angular/material/paginator/testing';
import { MatTableHarness } from '@angular/material/table/testing';
import { provideRouter } from '@angular/router';
import { MockStore, provideMockStore } from '@ngrx/store/testing';
import { of } from 'rxjs';
import type { Customer, TableName } from '../../../../contract/tables';
import { SyncBadgeActions } from '../../sync';
import { SyncStore } from '../../sync';
import { CatalogPage } from './catalog.page';
import { catalogFeature, initialCatalogState } from './catalog.feature';
import { CustomersPage } from './customers.page';

const CUSTOMERS: Customer[] = Array.from({ length: 520 }, (_, i) => ({
  id: `c${i}`,
  name: `Customer ${String(i).padStart(3, '0')}`,
  email: `c${i}@example.test`,
  phone: String(i),
  city: i % 2 ? 'Oslo' : 'Bergen',
  address: 'Street 1',
}));

describe('catalog pages', () => {
  let dispatch: jasmine.Spy;

  function setUp(state = initialCatalogState) {
    TestBed.configureTestingModule({
      providers: [
        provideRouter([]),
        provideMockStore({ initialState: { [catalogFeature.name]: state } }),
        {
          provide: SyncStore,
          useValue: {
            watchTable: (table: TableName) =>
              of(table === 'customers' ? CUSTOMERS : [{ id: 'p1', sku: 'S', name: 'P' }]),
          },
        },
      ],
    });
    const store = TestBed.inject(MockStore);
    dispatch = spyOn(store, 'dispatch').and.callThrough();
    return store;
  }

  it('shows the counts and re-syncs master data through the sync queue', async () => {
    setUp();
    const fixture = TestBed.createComponent(CatalogPage);
    await fixture.whenStable();
    const loader = TestbedHarnessEnvironment.loader(fixture);
    const text = (fixture.nativeElement as HTMLElement).textContent ?? '';
    expect(text).toContain('Customers (520)');
    expect(text).toContain('Products (1)');
    await (await loader.getHarness(MatButtonHarness.with({ text: /Re-sync master data/ }))).click();
    expect(dispatch).toHaveBeenCalledOnceWith(SyncBadgeActions.masterDataResyncRequested());
  });

  it('disables the button while a re-sync is on its way', async () => {
    setUp({ ...initialCatalogState, resyncing: true });
    const fixture = TestBed.createComponent(CatalogPage);
    await fixture.whenStable();
    const loader = TestbedHarnessEnvironment.loader(fixture);
    const button = await loader.getHarness(MatButtonHarness.with({ text: /Re-syncing/ }));
    expect(await button.isDisabled()).toBeTrue();
  });

  it('pages through 500+ customers, sorted by name, and searches them', async () => {
    const store = setUp();
    const fixture = TestBed.createComponent(CustomersPage);
    await fixture.whenStable();
    const loader = TestbedHarnessEnvironment.loader(fixture);
    const table = await loader.getHarness(MatTableHarness);
    expect((await table.getRows()).length).toBe(25);
    const paginator = await loader.getHarness(MatPaginatorHarness);
    expect(await paginator.getRangeLabel()).toBe('1 – 25 of 520');
    await paginator.goToNextPage();
    expect((await table.getCellTextByColumnName())['name'].text[0]).toBe('Customer 025');

    await (await loader.getHarness(MatInputHarness)).setValue('customer 51');
    const search = dispatch.calls.mostRecent().args[0] as { search: string };
    expect(search.search).toBe('customer 51');
    store.setState({ catalog: { ...initialCatalogState, customerSearch: 'customer 51' } });
    await fixture.whenStable();
    expect((await table.getCellTextByColumnName())['name'].text).toEqual(
      Array.from({ length: 10 }, (_, i) => `Customer ${510 + i}`),
    );
    expect((fixture.nativeElement as HTMLElement).textContent).toContain('10 of 520');
  });
});
