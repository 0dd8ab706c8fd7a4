/**
 * RxDB schemas derived from the table registry, plus the three bookkeeping collections. Nothing
 * here names a sync table: a table added to the registry gets its collection from these functions.
 */
import type { RxCollectionCreator, RxJsonSchema, MigrationStrategies } from 'rxdb';

import {
  ID_MAX_LENGTH,
  type FieldSpec,
  type TableName,
  type TableSpec,
} from '../../../../contract/tables';
import { MAX_PRIOR_CHANGE_IDS, type ServerRecord } from '../../../../contract/protocol';

/** Sync bookkeeping stored beside a record's own fields. */
export interface SyncMeta {
  /** Has a local change the server has not applied yet. */
  syncPending: boolean;
  /** Server revision this version is based on; `NEVER_PUSHED_REV` if the server never had it. */
  syncRev: number;
  /** Id of the current local change ('' once synced); every local edit gets a new one. */
  syncChangeId: string;
  /** Clock time of the current local change, so pushes go oldest first (0 once synced). */
  syncChangedAt: number;
  syncAttempts: number;
  /** Last push error, '' if none. */
  syncError: string;
  /** Given up on: not pushed again until someone resolves it. */
  syncDeadLetter: boolean;
  /** The server's version kept when a push conflicted (for display: resolutions fetch anew). */
  syncConflict: ServerRecord | null;
  /** The fields a conflict clashed on ([] for a delete/edit conflict, or none). */
  syncConflictFields: string[];
  /** A deletion waiting to be pushed: hidden from the UI, removed for real once applied. */
  localDeleted: boolean;
  /**
   * The record's fields as last received from the server at `syncRev`: the base of the
   * three-way merge (docs/protocol.md, rule 1). Kept from the first local edit on; a synced
   * record (no local changes) is its own base, so it may be null there (pulled records store
   * none). Null for a record with local changes means no base: the server never had it, or an
   * older version of the app did not keep one.
   */
  syncBase: Record<string, unknown> | null;
  /**
   * Earlier change ids of this record whose outcome this device never heard (a lost response),
   * oldest first, at most MAX_PRIOR_CHANGE_IDS (rule 5).
   */
  syncPrior: string[];
  /**
   * For each of `syncPrior` (same index): the fields that change sent (null: a deletion), i.e.
   * this device's view of the record right after it. When one of them is acknowledged while a
   * newer edit waits, it tells the device's own edits from another device's merged in.
   */
  syncPriorData: (Record<string, unknown> | null)[];
  /** A resync is in progress and this version belongs to an older epoch of the server (rule 8). */
  syncStale: boolean;
  /**
   * The newest server revision a pull passed over while this record was a dead letter (0: none):
   * a resolution must not act on an older server version than that one (rule 6).
   */
  syncSeenRev: number;
}

/** One stored record of a sync table: `id`, the registry's fields, the sync metadata. */
export type SyncDoc<T extends { id: string } = { id: string } & Record<string, unknown>> = T &
  SyncMeta;

export interface CheckpointDoc {
  /** `${userId}|${table}` */
  id: string;
  userId: string;
  table: string;
  checkpoint: string | null;
  /**
   * Bumped by every reset, in the same write that clears `checkpoint`: a pull saves a page's
   * checkpoint only if the generation is still the one it started with (rule 7).
   */
  generation: number;
  initialComplete: boolean;
  updatedAt: number;
}

export interface MetaDoc {
  key: string;
  value: string;
}

export type SyncLogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface SyncLogDoc {
  /** Zero-padded time and sequence (and tab), so the primary key sorts in append order. */
  id: string;
  time: number;
  seq: number;
  level: SyncLogLevel;
  runId: string;
  kind: string;
  phase: string;
  tabId: string;
  message: string;
  data: Record<string, unknown> | null;
}

/** syncRev of a record the server has never seen (Dexie can't index or require a null). */
export const NEVER_PUSHED_REV = -1;

export const CHECKPOINTS_COLLECTION = 'checkpoints';
export const META_COLLECTION = 'meta';
export const SYNCLOG_COLLECTION = 'synclog';
const RESERVED_NAMES = [CHECKPOINTS_COLLECTION, META_COLLECTION, SYNCLOG_COLLECTION];

/** Room for epoch milliseconds in an index (RxDB needs bounds on indexed numbers). */
const TIME_MAX = 9_999_999_999_999;
const USER_ID_MAX_LENGTH = 128;
const TABLE_NAME_MAX_LENGTH = 100;

const SYNC_META_PROPERTIES = {
  syncPending: { type: 'boolean' },
  syncRev: { type: 'integer', minimum: NEVER_PUSHED_REV },
  syncChangeId: { type: 'string', maxLength: 64 },
  syncChangedAt: { type: 'integer', minimum: 0, maximum: TIME_MAX, multipleOf: 1 },
  syncAttempts: { type: 'integer', minimum: 0 },
  syncError: { type: 'string' },
  syncDeadLetter: { type: 'boolean' },
  syncConflict: { type: ['object', 'null'] },
  syncConflictFields: { type: 'array', items: { type: 'string' } },
  localDeleted: { type: 'boolean' },
  syncBase: { type: ['object', 'null'] },
  syncPrior: {
    type: 'array',
    maxItems: MAX_PRIOR_CHANGE_IDS,
    items: { type: 'string', maxLength: 64 },
  },
  syncPriorData: {
    type: 'array',
    maxItems: MAX_PRIOR_CHANGE_IDS,
    items: { type: ['object', 'null'] },
  },
  syncStale: { type: 'boolean' },
  syncSeenRev: { type: 'integer', minimum: 0 },
} as const;

/**
 * The sync metadata's own version, added to the registry's `schemaVersion` to give a table's
 * RxDB schema version: bumping either migrates the stored documents. 1 added syncBase,
 * syncPrior, syncPriorData, syncStale and syncConflictFields; 2 added syncSeenRev.
 */
export const SYNC_META_SCHEMA_VERSION = 2;

export const SYNC_META_KEYS = Object.keys(SYNC_META_PROPERTIES) as (keyof SyncMeta)[];

/**
 * RxDB (and dev-mode) wants collection names like `^[a-z][_$a-z0-9-]*$`, so camelCase table
 * names become snake_case: `workOrders` → `work_orders`.
 */
export function collectionName(table: TableName): string {
  const name = table.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  if (RESERVED_NAMES.includes(name)) {
    throw new Error(`Sync table "${table}" clashes with the local collection "${name}"`);
  }
  return name;
}

function fieldSchema(field: FieldSpec): Record<string, unknown> {
  const schema: Record<string, unknown> = { type: field.type };
  if (field.maxLength !== undefined) schema['maxLength'] = field.maxLength;
  if (field.enum) schema['enum'] = [...field.enum];
  if (field.minimum !== undefined) schema['minimum'] = field.minimum;
  return schema;
}

export function syncTableSchema(spec: TableSpec): RxJsonSchema<SyncDoc> {
  const properties: Record<string, unknown> = {
    id: { type: 'string', maxLength: ID_MAX_LENGTH },
  };
  for (const [key, field] of Object.entries(spec.fields)) {
    if (key === 'id' || key in SYNC_META_PROPERTIES) {
      throw new Error(`Field "${spec.name}.${key}" clashes with the local sync metadata`);
    }
    properties[key] = fieldSchema(field);
  }
  const requiredFields = Object.entries(spec.fields)
    .filter(([, field]) => field.required)
    .map(([key]) => key);
  return {
    version: syncTableSchemaVersion(spec),
    primaryKey: 'id',
    type: 'object',
    properties: { ...properties, ...SYNC_META_PROPERTIES },
    // Dexie only indexes required fields, so every metadata field is required (none is optional).
    required: ['id', ...requiredFields, ...SYNC_META_KEYS],
    indexes: [
      // pendingChanges(): pending, not dead-lettered, writes or deletions, oldest first; its
      // prefix serves pendingCount$.
      ['syncPending', 'syncDeadLetter', 'localDeleted', 'syncChangedAt'],
      'syncDeadLetter',
      // The UI's reads and count() skip local deletions.
      'localDeleted',
      // The end of a resync finds what is still stale.
      'syncStale',
    ],
  } as unknown as RxJsonSchema<SyncDoc>;
}

export function syncTableSchemaVersion(spec: TableSpec): number {
  return spec.schemaVersion + SYNC_META_SCHEMA_VERSION;
}

/**
 * One strategy for every version up to the current one: fill in the sync metadata a document
 * of an older version lacks, and keep everything else. A version step can come from the
 * registry (a record shape change) or from the metadata; filling only what is missing is right
 * for both, so the strategies don't depend on which step is which. A registry bump that
 * changes a record's shape must wrap these with its own conversion.
 */
export function syncMetaMigrations(version: number): MigrationStrategies {
  const strategies: MigrationStrategies = {};
  for (let v = 1; v <= version; v++) {
    strategies[v] = (doc: Record<string, unknown>) => withSyncMetaDefaults(doc);
  }
  return strategies;
}

/**
 * Defaults of the metadata added in SYNC_META_SCHEMA_VERSION 1 and 2 (`syncSeenRev` 0: no pull
 * passed over a newer version yet). `syncBase` is the document's own fields only when they are
 * known to be the server's version at `syncRev` (synced: neither pending nor dead-lettered).
 * For a document with local changes the base was not kept, so it is
 * null: the push then says "no base", which the server applies when it has not moved on and
 * turns into a conflict when it has. Guessing the current fields as the base instead would make
 * the change look like "no edits" and silently lose them in a merge.
 */
export function withSyncMetaDefaults(doc: Record<string, unknown>): Record<string, unknown> {
  const synced =
    typeof doc['syncRev'] === 'number' &&
    doc['syncRev'] > NEVER_PUSHED_REV &&
    doc['syncPending'] !== true &&
    doc['syncDeadLetter'] !== true;
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(doc)) {
    const meta = Object.hasOwn(SYNC_META_PROPERTIES, key);
    if (key !== 'id' && !key.startsWith('_') && !meta) fields[key] = value;
  }
  return {
    ...doc,
    syncConflictFields: doc['syncConflictFields'] ?? [],
    syncBase: doc['syncBase'] !== undefined ? doc['syncBase'] : synced ? fields : null,
    syncPrior: doc['syncPrior'] ?? [],
    syncPriorData: doc['syncPriorData'] ?? [],
    syncStale: doc['syncStale'] ?? false,
    syncSeenRev: doc['syncSeenRev'] ?? 0,
  };
}

const checkpointSchema: RxJsonSchema<CheckpointDoc> = {
  // 1 added `generation`.
  version: 1,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: { type: 'string', maxLength: USER_ID_MAX_LENGTH + TABLE_NAME_MAX_LENGTH + 1 },
    userId: { type: 'string', maxLength: USER_ID_MAX_LENGTH },
    table: { type: 'string', maxLength: TABLE_NAME_MAX_LENGTH },
    checkpoint: { type: ['string', 'null'] },
    generation: { type: 'integer', minimum: 0 },
    initialComplete: { type: 'boolean' },
    updatedAt: { type: 'integer', minimum: 0 },
  },
  required: ['id', 'userId', 'table', 'checkpoint', 'generation', 'initialComplete', 'updatedAt'],
  indexes: ['userId'],
};

const checkpointMigrations: MigrationStrategies = {
  1: (doc: Record<string, unknown>) => ({ ...doc, generation: 0 }),
};

const metaSchema: RxJsonSchema<MetaDoc> = {
  version: 0,
  primaryKey: 'key',
  type: 'object',
  properties: {
    key: { type: 'string', maxLength: 100 },
    value: { type: 'string' },
  },
  required: ['key', 'value'],
};

const syncLogSchema: RxJsonSchema<SyncLogDoc> = {
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: { type: 'string', maxLength: 100 },
    time: { type: 'integer', minimum: 0 },
    seq: { type: 'integer', minimum: 0 },
    level: { type: 'string', enum: ['debug', 'info', 'warn', 'error'] },
    runId: { type: 'string' },
    kind: { type: 'string' },
    phase: { type: 'string' },
    tabId: { type: 'string' },
    message: { type: 'string' },
    data: { type: ['object', 'null'] },
  },
  required: ['id', 'time', 'seq', 'level', 'runId', 'kind', 'phase', 'tabId', 'message'],
};

/** Every collection of the local database, keyed by collection name. */
export function collectionCreators(
  tables: readonly TableSpec[],
): Record<string, RxCollectionCreator> {
  const creators: Record<string, RxCollectionCreator> = {
    [CHECKPOINTS_COLLECTION]: {
      schema: checkpointSchema,
      migrationStrategies: checkpointMigrations,
    },
    [META_COLLECTION]: { schema: metaSchema },
    [SYNCLOG_COLLECTION]: { schema: syncLogSchema },
  };
  for (const spec of tables) {
    creators[collectionName(spec.name)] = {
      schema: syncTableSchema(spec),
      migrationStrategies: syncMetaMigrations(syncTableSchemaVersion(spec)),
    };
  }
  return creators;
}
