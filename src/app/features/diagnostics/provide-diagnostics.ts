import { makeEnvironmentProviders } from '@angular/core';
import { provideEffects } from '@ngrx/effects';
import { provideState } from '@ngrx/store';
import * as diagnosticsEffects from './state/diagnostics.effects';
import { diagnosticsFeature } from './state/diagnostics.feature';

/**
 * The diagnostics slice and effects, at the root: the run timeline records from app start, not
 * from the first visit to the page (which stays a lazy route).
 */
export function provideDiagnostics() {
  return makeEnvironmentProviders([
    provideState(diagnosticsFeature),
    provideEffects(diagnosticsEffects),
  ]);
}
