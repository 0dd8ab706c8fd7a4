/**
 * Injection tokens of the local database, each with a default factory (the app needs no
 * providers; tests replace the storage, the name and the clock).
 */
import { InjectionToken } from '@angular/core';
import { addRxPlugin, type RxStorage } from 'rxdb';
import { getRxStorageDexie } from 'rxdb/plugins/storage-dexie';

import { SYNC_TABLES, type TableSpec } from '../../../../contract/tables';
import { environment } from '../../../environments/environment';
import type { PullWriteHooks } from './pull-writer';

/**
 * Any RxStorage. The storage's own type parameters don't matter to the code above it, and
 * RxStorage is invariant in them, so this is the one place `any` is used for them.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRxStorage = RxStorage<any, any>;

/**
 * The RxStorage to open the database with, or a promise of it: the development wrapper is
 * imported lazily so the validator and dev-mode never reach the production bundle.
 */
export const LOCAL_DB_STORAGE = new InjectionToken<AnyRxStorage | Promise<AnyRxStorage>>(
  'LOCAL_DB_STORAGE',
  {
    providedIn: 'root',
    factory: () => {
      const dexie = getRxStorageDexie();
      return environment.localDb.devMode ? withDevTooling(dexie) : dexie;
    },
  },
);

export interface LocalDbOptions {
  /** Database name; tests use a unique one per test. */
  readonly name: string;
  /** Share change events between tabs (BroadcastChannel). Off in unit tests. */
  readonly multiInstance: boolean;
  /**
   * Close an open database of the same name instead of failing (hot reload opens it again
   * before the old instance is gone).
   */
  readonly closeDuplicates: boolean;
}

export const LOCAL_DB_OPTIONS = new InjectionToken<LocalDbOptions>('LOCAL_DB_OPTIONS', {
  providedIn: 'root',
  factory: () => ({
    name: environment.localDb.name,
    multiInstance: true,
    closeDuplicates: !environment.production,
  }),
});

/** The table registry the collections are built from; tests add tables to it. */
export const SYNC_TABLE_REGISTRY = new InjectionToken<readonly TableSpec[]>('SYNC_TABLE_REGISTRY', {
  providedIn: 'root',
  factory: () => SYNC_TABLES,
});

export interface SyncStoreConfig {
  /** Rejected pushes of one change before it is dead-lettered. */
  readonly maxAttempts: number;
  /** Entries the sync log keeps. */
  readonly logLimit: number;
  /** Appends between two trims of the log (the log may exceed the limit by this much). */
  readonly logTrimEvery: number;
}

export const SYNC_STORE_CONFIG = new InjectionToken<SyncStoreConfig>('SYNC_STORE_CONFIG', {
  providedIn: 'root',
  factory: () => ({ maxAttempts: 3, logLimit: 2000, logTrimEvery: 100 }),
});

/** Epoch milliseconds; a token so specs can make ordering deterministic. */
export const LOCAL_CLOCK = new InjectionToken<() => number>('LOCAL_CLOCK', {
  providedIn: 'root',
  factory: () => () => Date.now(),
});

/** New change ids; a token so specs can predict them. */
export const CHANGE_ID_FACTORY = new InjectionToken<() => string>('CHANGE_ID_FACTORY', {
  providedIn: 'root',
  factory: () => () => crypto.randomUUID(),
});

/**
 * Hooks awaited inside a pull write (see PullWriteHooks): none in the app; specs and the
 * simulation use them to put another writer (a reset, a user edit) at an exact point.
 */
export const PULL_WRITE_HOOKS = new InjectionToken<PullWriteHooks>('PULL_WRITE_HOOKS', {
  providedIn: 'root',
  factory: () => ({}),
});

/**
 * Adds RxDB's dev-mode plugin and wraps the storage with the ajv validator (dev-mode refuses to
 * run without one). Exported for specs, which want the same checks on the memory storage.
 */
export async function withDevTooling(storage: AnyRxStorage): Promise<AnyRxStorage> {
  const [devMode, ajv] = await Promise.all([
    import('rxdb/plugins/dev-mode'),
    import('rxdb/plugins/validate-ajv'),
  ]);
  devMode.disableWarnings();
  addRxPlugin(devMode.RxDBDevModePlugin);
  return ajv.wrappedValidateAjvStorage({ storage });
}

/** Identifies this tab in the sync log (several tabs share one database). */
export const SYNC_TAB_ID = new InjectionToken<string>('SYNC_TAB_ID', {
  providedIn: 'root',
  factory: () => crypto.randomUUID().slice(0, 8),
});
