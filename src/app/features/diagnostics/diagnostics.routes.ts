import type { Routes } from '@angular/router';
import { provideEffects } from '@ngrx/effects';
import { provideState } from '@ngrx/store';

import * as diagnosticsEffects from './state/diagnostics.effects';
import { diagnosticsFeature } from './state/diagnostics.feature';

/**
 * The store slice and effects live with the route: loaded with the page, they then stay for the
 * tab's session (route injectors outlive navigation), so the timeline keeps recording.
 */
export const DIAGNOSTICS_ROUTES: Routes = [
  {
    path: '',
    providers: [provideState(diagnosticsFeature), provideEffects(diagnosticsEffects)],
    loadComponent: () => import('./diagnostics.page').then((m) => m.DiagnosticsPage),
  },
];
