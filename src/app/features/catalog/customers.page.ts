import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatPaginatorModule } from '@angular/material/paginator';
import { MatTableModule } from '@angular/material/table';
import { Store } from '@ngrx/store';
import type { Customer } from '../../../../contract/tables';
import { SyncStore } from '../../sync';
import { CATALOG_PAGE_SIZES, catalogView } from './catalog-table';
import { CatalogPageActions } from './catalog.actions';
import { selectCustomerSearch } from './catalog.feature';

@Component({
  selector: 'app-customers-page',
  imports: [MatFormFieldModule, MatIconModule, MatInputModule, MatPaginatorModule, MatTableModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <mat-form-field appearance="outline" subscriptSizing="dynamic" class="search">
      <mat-label>Search customers</mat-label>
      <mat-icon matPrefix aria-hidden="true">search</mat-icon>
      <input matInput type="search" [value]="search()" (input)="onSearch($event)" />
    </mat-form-field>
    @if (view.loading()) {
      <p class="hint">Opening the local database…</p>
    } @else {
      <p class="hint" role="status">Customers: {{ view.summary() }}</p>
      @if (view.matching().length > 0) {
        <div class="table-scroll">
          <table mat-table [dataSource]="view.rows()">
            <ng-container matColumnDef="name">
              <th mat-header-cell *matHeaderCellDef>Name</th>
              <td mat-cell *matCellDef="let c">{{ c.name }}</td>
            </ng-container>
            <ng-container matColumnDef="city">
              <th mat-header-cell *matHeaderCellDef>City</th>
              <td mat-cell *matCellDef="let c">{{ c.city }}</td>
            </ng-container>
            <ng-container matColumnDef="email">
              <th mat-header-cell *matHeaderCellDef>Email</th>
              <td mat-cell *matCellDef="let c">{{ c.email }}</td>
            </ng-container>
            <ng-container matColumnDef="phone">
              <th mat-header-cell *matHeaderCellDef>Phone</th>
              <td mat-cell *matCellDef="let c">{{ c.phone }}</td>
            </ng-container>
            <tr mat-header-row *matHeaderRowDef="columns; sticky: true"></tr>
            <tr mat-row *matRowDef="let row; columns: columns"></tr>
          </table>
        </div>
        <mat-paginator
          [length]="view.matching().length"
          [pageIndex]="view.pageIndex()"
          [pageSize]="view.pageSize()"
          [pageSizeOptions]="pageSizes"
          (page)="view.onPage($event)"
          aria-label="Pages of customers"
        />
      }
    }
  `,
  styleUrl: './catalog-table.scss',
})
export class CustomersPage {
  private readonly store = inject(Store);

  protected readonly columns = ['name', 'city', 'email', 'phone'];
  protected readonly pageSizes = CATALOG_PAGE_SIZES;
  protected readonly search = this.store.selectSignal(selectCustomerSearch);
  protected readonly view = catalogView(
    toSignal(inject(SyncStore).watchTable('customers')),
    this.search,
    (c: Customer) => `${c.name} ${c.city} ${c.email} ${c.phone}`,
    (c: Customer) => c.name,
  );

  protected onSearch(event: Event): void {
    const search = (event.target as HTMLInputElement).value;
    this.store.dispatch(CatalogPageActions.customerSearchChanged({ search }));
    this.view.firstPage();
  }
}
