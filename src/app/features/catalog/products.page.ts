import { DecimalPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatPaginatorModule } from '@angular/material/paginator';
import { MatTableModule } from '@angular/material/table';
import { Store } from '@ngrx/store';
import type { Product } from '../../../../contract/tables';
import { SyncStore } from '../../sync';
import { CATALOG_PAGE_SIZES, catalogView } from './catalog-table';
import { CatalogPageActions } from './catalog.actions';
import { selectProductSearch } from './catalog.feature';

@Component({
  selector: 'app-products-page',
  imports: [
    DecimalPipe,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    MatPaginatorModule,
    MatTableModule,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <mat-form-field appearance="outline" subscriptSizing="dynamic" class="search">
      <mat-label>Search products by name or SKU</mat-label>
      <mat-icon matPrefix aria-hidden="true">search</mat-icon>
      <input matInput type="search" [value]="search()" (input)="onSearch($event)" />
    </mat-form-field>
    @if (view.loading()) {
      <p class="hint">Opening the local database…</p>
    } @else {
      <p class="hint" role="status">Products: {{ view.summary() }}</p>
      @if (view.matching().length > 0) {
        <div class="table-scroll">
          <table mat-table [dataSource]="view.rows()">
            <ng-container matColumnDef="sku">
              <th mat-header-cell *matHeaderCellDef>SKU</th>
              <td mat-cell *matCellDef="let p">{{ p.sku }}</td>
            </ng-container>
            <ng-container matColumnDef="name">
              <th mat-header-cell *matHeaderCellDef>Name</th>
              <td mat-cell *matCellDef="let p">{{ p.name }}</td>
            </ng-container>
            <ng-container matColumnDef="unit">
              <th mat-header-cell *matHeaderCellDef>Unit</th>
              <td mat-cell *matCellDef="let p">{{ p.unit }}</td>
            </ng-container>
            <ng-container matColumnDef="unitPrice">
              <th mat-header-cell *matHeaderCellDef class="number">Unit price</th>
              <td mat-cell *matCellDef="let p" class="number">
                {{ p.unitPrice | number: '1.2-2' }}
              </td>
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
          aria-label="Pages of products"
        />
      }
    }
  `,
  styleUrl: './catalog-table.scss',
})
export class ProductsPage {
  private readonly store = inject(Store);

  protected readonly columns = ['sku', 'name', 'unit', 'unitPrice'];
  protected readonly pageSizes = CATALOG_PAGE_SIZES;
  protected readonly search = this.store.selectSignal(selectProductSearch);
  protected readonly view = catalogView(
    toSignal(inject(SyncStore).watchTable('products')),
    this.search,
    (p: Product) => `${p.sku} ${p.name}`,
    (p: Product) => p.name,
  );

  protected onSearch(event: Event): void {
    const search = (event.target as HTMLInputElement).value;
    this.store.dispatch(CatalogPageActions.productSearchChanged({ search }));
    this.view.firstPage();
  }
}
