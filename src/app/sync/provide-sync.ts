import { isDevMode, makeEnvironmentProviders } from '@angular/core';
import { provideEffects } from '@ngrx/effects';
import { provideState } from '@ngrx/store';
import * as gateEffects from './gate/gate.effects';
import { gateFeature } from './gate/gate.feature';
import * as syncEffects from './state/sync.effects';
import * as syncTriggerEffects from './state/sync-triggers.effects';
import { syncFeature } from './state/sync.feature';
import { SYNC_LOG_TO_CONSOLE } from './sync.tokens';

/** The sync engine's store slice and effects. Settings have defaults (see sync.tokens.ts). */
export function provideSync() {
  return makeEnvironmentProviders([
    provideState(syncFeature),
    provideState(gateFeature),
    provideEffects(syncEffects, syncTriggerEffects, gateEffects),
    { provide: SYNC_LOG_TO_CONSOLE, useValue: isDevMode() },
  ]);
}
