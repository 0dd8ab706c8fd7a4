import { inject, makeEnvironmentProviders, provideAppInitializer } from '@angular/core';
import { provideEffects } from '@ngrx/effects';
import { Store, provideState } from '@ngrx/store';
import { AuthSessionActions } from './auth.actions';
import * as authEffects from './auth.effects';
import { authFeature } from './auth.feature';
import * as logoutWarningEffects from './logout-warning.effects';
import { SessionPersistence } from './session';

/**
 * The auth slice, its effects (the unsynced-changes check before a logout included), and the
 * session restored before the first navigation.
 */
export function provideAuth() {
  return makeEnvironmentProviders([
    provideState(authFeature),
    provideEffects(authEffects, logoutWarningEffects),
    provideAppInitializer(() => {
      const session = inject(SessionPersistence).load();
      inject(Store).dispatch(AuthSessionActions.restored({ session }));
    }),
  ]);
}
