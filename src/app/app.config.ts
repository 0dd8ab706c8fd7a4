import { provideHttpClient, withInterceptors } from '@angular/common/http';
import {
  type ApplicationConfig,
  isDevMode,
  provideBrowserGlobalErrorListeners,
  provideZonelessChangeDetection,
} from '@angular/core';
import { provideRouter, withComponentInputBinding } from '@angular/router';
import { provideServiceWorker } from '@angular/service-worker';
import { provideEffects } from '@ngrx/effects';
import { provideStore } from '@ngrx/store';
import { provideStoreDevtools } from '@ngrx/store-devtools';
import { provideToastr } from 'ngx-toastr';
import { routes } from './app.routes';
import { authInterceptor } from './features/auth/auth.interceptor';
import { provideAuth } from './features/auth/provide-auth';
import { provideDiagnostics } from './features/diagnostics/provide-diagnostics';
import * as sessionSyncEffects from './session/session-sync.effects';
import { provideSync } from './sync';

export const appConfig: ApplicationConfig = {
  providers: [
    provideBrowserGlobalErrorListeners(),
    provideZonelessChangeDetection(),
    provideRouter(routes, withComponentInputBinding()),
    provideHttpClient(withInterceptors([authInterceptor])),
    provideStore(),
    provideEffects(),
    provideAuth(),
    provideSync(),
    provideDiagnostics(),
    provideEffects(sessionSyncEffects),
    provideToastr({ positionClass: 'toast-bottom-center', preventDuplicates: true }),
    // The app shell and assets, for a cold start offline; the data is in RxDB, never in the SW.
    // field-sync-sw.js is ngsw-worker.js with /api left to the browser (see the file).
    provideServiceWorker('field-sync-sw.js', {
      enabled: !isDevMode(),
      registrationStrategy: 'registerWhenStable:30000',
    }),
    isDevMode() ? provideStoreDevtools({ maxAge: 50, connectInZone: false }) : [],
  ],
};
