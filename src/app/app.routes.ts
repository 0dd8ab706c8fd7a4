import type { Routes } from '@angular/router';
import { loggedInGuard, loggedOutGuard } from './features/auth/auth.guard';

export const routes: Routes = [
  {
    path: 'login',
    canMatch: [loggedOutGuard],
    title: 'Log in · Field Sync',
    loadComponent: () => import('./features/auth/login.page').then((m) => m.LoginPage),
  },
  {
    path: '',
    canMatch: [loggedInGuard],
    loadComponent: () => import('./shell/shell').then((m) => m.Shell),
    children: [
      { path: '', pathMatch: 'full', redirectTo: 'work-orders' },
      {
        path: 'work-orders',
        title: 'Work orders · Field Sync',
        loadChildren: () =>
          import('./features/work-orders/work-orders.routes').then((m) => m.WORK_ORDER_ROUTES),
      },
      {
        path: 'diagnostics',
        title: 'Diagnostics · Field Sync',
        loadChildren: () =>
          import('./features/diagnostics/diagnostics.routes').then((m) => m.DIAGNOSTICS_ROUTES),
      },
      {
        path: 'catalog',
        title: 'Catalog · Field Sync',
        loadChildren: () =>
          import('./features/catalog/catalog.routes').then((m) => m.CATALOG_ROUTES),
      },
    ],
  },
  { path: '**', redirectTo: '' },
];
