import type { Routes } from '@angular/router';

// The store slice and effects are provided at the root (provideDiagnostics), so the timeline
// records every run of the session, including those before this page is first opened.
export const DIAGNOSTICS_ROUTES: Routes = [
  {
    path: '',
    loadComponent: () => import('./diagnostics.page').then((m) => m.DiagnosticsPage),
  },
];
