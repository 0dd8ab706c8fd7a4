import type { Routes } from '@angular/router';

export const WORK_ORDER_ROUTES: Routes = [
  {
    path: '',
    loadComponent: () => import('./work-orders-list.page').then((m) => m.WorkOrdersListPage),
  },
];
