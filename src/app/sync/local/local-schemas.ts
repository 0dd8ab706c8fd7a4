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
import type { ServerRecord } from '../../../../contract/protocol';

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
  /** The server's version kept when a push conflicted. */
  syncConflict: ServerRecord | null;
  /** A deletion waiting to be pushed: hidden from the UI, removed for real once applied. */
  localDeleted: boolean;
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
  localDeleted: { type: 'boolean' },
} as const;

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
    version: spec.schemaVersion,
    primaryKey: 'id',
    type: 'object',
    properties: { ...properties, ...SYNC_META_PROPERTIES },
    // Dexie only indexes required fields, so every metadata field is required (none is optional).
    required: ['id', ...requiredFields, ...SYNC_META_KEYS],
    indexes: [
      // pendingChanges(): pending, not dead-lettered, oldest first; also pendingCount$.
      ['syncPending', 'syncDeadLetter', 'syncChangedAt'],
      'syncDeadLetter',
      // The UI's reads and count() skip local deletions.
      'localDeleted',
    ],
  } as unknown as RxJsonSchema<SyncDoc>;
}

/**
 * Identity strategies for every version up to the current one. A bump that changes a record's
 * shape must replace the matching strategy (or reset the table's checkpoint and re-pull).
 */
export function identityMigrations(version: number): MigrationStrategies {
  const strategies: MigrationStrategies = {};
  for (let v = 1; v <= version; v++) strategies[v] = (doc: unknown) => doc;
  return strategies;
}

const checkpointSchema: RxJsonSchema<CheckpointDoc> = {
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: { type: 'string', maxLength: USER_ID_MAX_LENGTH + TABLE_NAME_MAX_LENGTH + 1 },
    userId: { type: 'string', maxLength: USER_ID_MAX_LENGTH },
    table: { type: 'string', maxLength: TABLE_NAME_MAX_LENGTH },
    checkpoint: { type: ['string', 'null'] },
    initialComplete: { type: 'boolean' },
    updatedAt: { type: 'integer', minimum: 0 },
  },
  required: ['id', 'userId', 'table', 'checkpoint', 'initialComplete', 'updatedAt'],
  indexes: ['userId'],
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
    [CHECKPOINTS_COLLECTION]: { schema: checkpointSchema },
    [META_COLLECTION]: { schema: metaSchema },
    [SYNCLOG_COLLECTION]: { schema: syncLogSchema },
  };
  for (const spec of tables) {
    creators[collectionName(spec.name)] = {
      schema: syncTableSchema(spec),
      migrationStrategies: identityMigrations(spec.schemaVersion),
    };
  }
  return creators;
}
