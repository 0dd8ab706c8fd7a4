import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatTabsModule } from '@angular/material/tabs';
import { RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { Store } from '@ngrx/store';
import { map } from 'rxjs';
import { SyncBadgeActions } from '../../sync';
import { SyncStore } from '../../sync';
import { selectResyncing } from './catalog.feature';

/** Master data (read-only here): tabs for customers and products, and the re-sync button. */
@Component({
  selector: 'app-catalog-page',
  imports: [
    MatButtonModule,
    MatIconModule,
    MatTabsModule,
    RouterLink,
    RouterLinkActive,
    RouterOutlet,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <header class="page-header">
      <div>
        <h1>Catalog</h1>
        <p class="hint" id="resync-help">
          Customers and products come from the server and can't be changed here. If something looks
          out of date, re-sync them: they are downloaded again after any sync in progress.
        </p>
      </div>
      <button
        mat-stroked-button
        type="button"
        (click)="resync()"
        [disabled]="resyncing()"
        aria-describedby="resync-help"
      >
        <mat-icon aria-hidden="true">cloud_sync</mat-icon>
        {{ resyncing() ? 'Re-syncing…' : 'Re-sync master data' }}
      </button>
    </header>
    <nav mat-tab-nav-bar [tabPanel]="panel" aria-label="Catalog">
      <a
        mat-tab-link
        routerLink="customers"
        routerLinkActive
        #customers="routerLinkActive"
        [active]="customers.isActive"
      >
        Customers ({{ customerCount() ?? '…' }})
      </a>
      <a
        mat-tab-link
        routerLink="products"
        routerLinkActive
        #products="routerLinkActive"
        [active]="products.isActive"
      >
        Products ({{ productCount() ?? '…' }})
      </a>
    </nav>
    <mat-tab-nav-panel #panel>
      <router-outlet />
    </mat-tab-nav-panel>
  `,
  styles: `
    .page-header {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      justify-content: space-between;
      gap: 8px 24px;
    }
    h1 {
      font: var(--mat-sys-headline-small);
      margin: 0;
    }
    .hint {
      color: var(--mat-sys-on-surface-variant);
      max-width: 640px;
    }
    .page-header button {
      min-height: 48px;
    }
    .mat-mdc-tab-link {
      min-height: 48px;
    }
  `,
})
export class CatalogPage {
  private readonly store = inject(Store);
  private readonly local = inject(SyncStore);

  protected readonly resyncing = this.store.selectSignal(selectResyncing);
  protected readonly customerCount = toSignal(
    this.local.watchTable('customers').pipe(map((rows) => rows.length.toLocaleString('en-US'))),
  );
  protected readonly productCount = toSignal(
    this.local.watchTable('products').pipe(map((rows) => rows.length.toLocaleString('en-US'))),
  );

  protected resync(): void {
    this.store.dispatch(SyncBadgeActions.masterDataResyncRequested());
  }
}
