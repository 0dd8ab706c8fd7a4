import type { Routes } from '@angular/router';
import { provideEffects } from '@ngrx/effects';
import { provideState } from '@ngrx/store';
import * as catalogEffects from './catalog.effects';
import { catalogFeature } from './catalog.feature';

export const CATALOG_ROUTES: Routes = [
  {
    path: '',
    providers: [provideState(catalogFeature), provideEffects(catalogEffects)],
    loadComponent: () => import('./catalog.page').then((m) => m.CatalogPage),
    children: [
      { path: '', pathMatch: 'full', redirectTo: 'customers' },
      {
        path: 'customers',
        title: 'Customers · Field Sync',
        loadComponent: () => import('./customers.page').then((m) => m.CustomersPage),
      },
      {
        path: 'products',
        title: 'Products · Field Sync',
        loadComponent: () => import('./products.page').then((m) => m.ProductsPage),
      },
    ],
  },
];
