import type { Routes } from '@angular/router';
import { provideEffects } from '@ngrx/effects';
import { provideState } from '@ngrx/store';
import * as workOrderEffects from './work-orders.effects';
import { workOrdersFeature } from './work-orders.feature';

export const WORK_ORDER_ROUTES: Routes = [
  {
    path: '',
    // Loaded with the feature: the list's filters and the save/delete flows.
    providers: [provideState(workOrdersFeature), provideEffects(workOrderEffects)],
    children: [
      {
        path: '',
        loadComponent: () => import('./work-orders-list.page').then((m) => m.WorkOrdersListPage),
      },
      {
        path: 'new',
        title: 'New work order · Field Sync',
        loadComponent: () => import('./work-order-form.page').then((m) => m.WorkOrderFormPage),
      },
      {
        path: ':id',
        title: 'Work order · Field Sync',
        loadComponent: () => import('./work-order-form.page').then((m) => m.WorkOrderFormPage),
      },
    ],
  },
];
