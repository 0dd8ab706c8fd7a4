/**
 * The local store's services without an Angular app around them: an injector with the app's own
 * tokens, for code that runs the real SyncStore outside a bootstrapped app — the simulation (Node,
 * a memory storage that survives crashes) and the bench page (a browser, Dexie). Both load
 * '@angular/compiler' first: the services are compiled just in time there.
 */
import { DestroyRef, ErrorHandler, Injector, type Provider } from '@angular/core';

import type { TableSpec } from '../../../../contract/tables';
import { LocalDatabase } from './local-database';
import {
  type AnyRxStorage,
  CHANGE_ID_FACTORY,
  LOCAL_CLOCK,
  LOCAL_DB_OPTIONS,
  LOCAL_DB_STORAGE,
  SYNC_STORE_CONFIG,
  SYNC_TABLE_REGISTRY,
  type SyncStoreConfig,
} from './local-db.tokens';
import { SyncStore } from './sync-store';

export interface StandaloneStoreOptions {
  /** Made when the database is first opened. */
  readonly storage: () => AnyRxStorage | Promise<AnyRxStorage>;
  /** The database's name; one per device or measurement. */
  readonly name: string;
  /** Share change events between instances of the same name (tabs). */
  readonly multiInstance: boolean;
  readonly clock: () => number;
  readonly newChangeId: () => string;
  readonly registry: readonly TableSpec[];
  readonly config: SyncStoreConfig;
}

/** The local database's tokens, given: what the app takes from their defaults. Specs use it too. */
export function localStoreProviders(options: StandaloneStoreOptions): Provider[] {
  return [
    { provide: LOCAL_DB_STORAGE, useFactory: options.storage },
    {
      provide: LOCAL_DB_OPTIONS,
      useValue: {
        name: options.name,
        multiInstance: options.multiInstance,
        closeDuplicates: false,
      },
    },
    { provide: LOCAL_CLOCK, useValue: options.clock },
    { provide: CHANGE_ID_FACTORY, useValue: options.newChangeId },
    { provide: SYNC_TABLE_REGISTRY, useValue: options.registry },
    { provide: SYNC_STORE_CONFIG, useValue: options.config },
  ];
}

/** An injector that holds one LocalDatabase and the SyncStore over it. */
export function standaloneStoreInjector(options: StandaloneStoreOptions): Injector {
  return Injector.create({
    providers: [
      ...localStoreProviders(options),
      // No app: errors RxDB reports outside a call go to the console, nothing is destroyed.
      {
        provide: ErrorHandler,
        useValue: { handleError: (error: unknown) => console.error(error) },
      },
      { provide: DestroyRef, useValue: { onDestroy: () => () => undefined } },
      LocalDatabase,
      SyncStore,
    ],
  });
}
