/**
 * Opens the RxDB database on first use and hands out a typed handle to its collections.
 */
import { DestroyRef, ErrorHandler, Injectable, inject } from '@angular/core';
import { addRxPlugin, createRxDatabase, type RxCollection, type RxDatabase } from 'rxdb';
import { RxDBMigrationSchemaPlugin } from 'rxdb/plugins/migration-schema';
import { defer, type Observable } from 'rxjs';

import type { TableName, TableRecordMap, TableSpec } from '../../../../contract/tables';
import {
  CHECKPOINTS_COLLECTION,
  META_COLLECTION,
  SYNCLOG_COLLECTION,
  collectionCreators,
  collectionName,
  type CheckpointDoc,
  type MetaDoc,
  type SyncDoc,
  type SyncLogDoc,
} from './local-schemas';
import { LOCAL_DB_OPTIONS, LOCAL_DB_STORAGE, SYNC_TABLE_REGISTRY } from './local-db.tokens';

/** A sync table's collection with its record type, e.g. `RxCollection<SyncDoc<WorkOrder>>`. */
export type SyncCollection<T extends TableName = TableName> = RxCollection<
  SyncDoc<TableRecordMap[T]>
>;

/** Any sync table's collection, for code that walks the registry without knowing the shape. */
export type AnySyncCollection = RxCollection<SyncDoc>;

export interface LocalDbHandle {
  readonly db: RxDatabase;
  /** The registry the collections were built from (the injected one, not the import). */
  readonly tables: readonly TableSpec[];
  readonly checkpoints: RxCollection<CheckpointDoc>;
  readonly meta: RxCollection<MetaDoc>;
  readonly synclog: RxCollection<SyncLogDoc>;
  /** The collection of a sync table; throws for a table missing from the registry. */
  table<T extends TableName>(name: T): SyncCollection<T>;
  /** The same, untyped, for registry-driven code. */
  anyTable(name: TableName): AnySyncCollection;
}

@Injectable({ providedIn: 'root' })
export class LocalDatabase {
  private readonly storage = inject(LOCAL_DB_STORAGE);
  private readonly options = inject(LOCAL_DB_OPTIONS);
  private readonly registry = inject(SYNC_TABLE_REGISTRY);
  private readonly errorHandler = inject(ErrorHandler);
  private opening: Promise<LocalDbHandle> | null = null;

  /** Cold: subscribing opens the database the first time; later subscribers share it. */
  readonly handle$: Observable<LocalDbHandle> = defer(() => this.open());

  constructor() {
    inject(DestroyRef).onDestroy(() => {
      this.close().catch((error: unknown) => this.errorHandler.handleError(error));
    });
  }

  /** Opens the database once; a failed open is forgotten so the next call tries again. */
  open(): Promise<LocalDbHandle> {
    if (!this.opening) {
      this.opening = this.create().catch((error: unknown) => {
        this.opening = null;
        throw error;
      });
    }
    return this.opening;
  }

  async close(): Promise<void> {
    const opening = this.opening;
    this.opening = null;
    if (opening) await (await opening).db.close();
  }

  /** Closes the database and deletes its data (tests; a full local reset). */
  async remove(): Promise<void> {
    const opening = this.opening;
    this.opening = null;
    if (opening) await (await opening).db.remove();
  }

  private async create(): Promise<LocalDbHandle> {
    // Needed as soon as a registry `schemaVersion` is bumped over existing data.
    addRxPlugin(RxDBMigrationSchemaPlugin);
    const storage = await this.storage;
    const db = await createRxDatabase({
      name: this.options.name,
      storage,
      multiInstance: this.options.multiInstance,
      closeDuplicates: this.options.closeDuplicates,
      eventReduce: true,
      // A filtered list counts its matches (a search is a scan inside the storage, never a
      // load of the table into JavaScript); unfiltered counts use the localDeleted index.
      allowSlowCount: true,
    });
    try {
      await db.addCollections(collectionCreators(this.registry));
    } catch (error) {
      // A half-opened database would keep its name taken until reload: close it, then fail.
      await db.close();
      throw error;
    }
    return createHandle(db, this.registry);
  }
}

function createHandle(db: RxDatabase, tables: readonly TableSpec[]): LocalDbHandle {
  const collections = db.collections as Record<string, RxCollection>;
  const collection = (name: string): RxCollection => {
    const found = collections[name];
    if (!found) throw new Error(`Local collection "${name}" does not exist`);
    return found;
  };
  const anyTable = (name: TableName): AnySyncCollection => {
    if (!tables.some((spec) => spec.name === name)) {
      throw new Error(`"${name}" is not a sync table of the registry`);
    }
    return collection(collectionName(name)) as AnySyncCollection;
  };
  return {
    db,
    tables,
    checkpoints: collection(CHECKPOINTS_COLLECTION) as RxCollection<CheckpointDoc>,
    meta: collection(META_COLLECTION) as RxCollection<MetaDoc>,
    synclog: collection(SYNCLOG_COLLECTION) as RxCollection<SyncLogDoc>,
    table: <T extends TableName>(name: T) => anyTable(name) as unknown as SyncCollection<T>,
    anyTable,
  };
}
