import { TestBed } from '@angular/core/testing';
import { createRxDatabase, type RxJsonSchema } from 'rxdb';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';

import {
  SYNC_TABLES,
  tableSpec,
  type TableName,
  type TableSpec,
} from '../../../../contract/tables';
import { LocalDatabase } from './local-database';
import { LOCAL_DB_OPTIONS, withDevTooling } from './local-db.tokens';
import { provideTestLocalDb, removeTestLocalDb } from './local-db.testing';
import { collectionName, syncTableSchema, type SyncDoc } from './local-schemas';

/** The sync table schema as version 0 of this app stored it: before syncBase and friends. */
function version0Schema(spec: TableSpec): RxJsonSchema<SyncDoc> {
  const schema = structuredClone(syncTableSchema(spec)) as unknown as {
    version: number;
    properties: Record<string, unknown>;
    required: string[];
    indexes: unknown[];
  };
  const added = [
    'syncConflictFields',
    'syncBase',
    'syncPrior',
    'syncPriorData',
    'syncStale',
    'syncSeenRev',
  ];
  schema.version = spec.schemaVersion;
  for (const key of added) delete schema.properties[key];
  schema.required = schema.required.filter((key) => !added.includes(key));
  schema.indexes = [
    ['syncPending', 'syncDeadLetter', 'syncChangedAt'],
    'syncDeadLetter',
    'localDeleted',
  ];
  return schema as unknown as RxJsonSchema<SyncDoc>;
}

const VERSION_0_CHECKPOINTS = {
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: { type: 'string', maxLength: 229 },
    userId: { type: 'string', maxLength: 128 },
    table: { type: 'string', maxLength: 100 },
    checkpoint: { type: ['string', 'null'] },
    initialComplete: { type: 'boolean' },
    updatedAt: { type: 'integer', minimum: 0 },
  },
  required: ['id', 'userId', 'table', 'checkpoint', 'initialComplete', 'updatedAt'],
  indexes: ['userId'],
} as const;

const OLD_META = {
  syncRev: 4,
  syncChangedAt: 0,
  syncAttempts: 0,
  syncError: '',
  syncDeadLetter: false,
  syncConflict: null,
  localDeleted: false,
};

/** A table the contract doesn't have: the registry is the only thing that names it. */
const INVOICES: TableSpec = {
  name: 'invoices' as TableName,
  label: 'Invoices',
  kind: 'transactional',
  schemaVersion: 2,
  fields: {
    number: { type: 'string', required: true, maxLength: 20 },
    total: { type: 'number', required: true, minimum: 0 },
  },
};

describe('LocalDatabase', () => {
  afterEach(() => removeTestLocalDb());

  it('creates one collection per registry table plus checkpoints, meta and synclog', async () => {
    TestBed.configureTestingModule({ providers: provideTestLocalDb() });
    const handle = await TestBed.inject(LocalDatabase).open();

    expect(Object.keys(handle.db.collections).sort()).toEqual([
      'checkpoints',
      'customers',
      'meta',
      'products',
      'synclog',
      'work_order_lines',
      'work_orders',
    ]);
    expect(handle.table('workOrders').name).toBe('work_orders');
  });

  it('builds a collection for a table that only the injected registry declares', async () => {
    TestBed.configureTestingModule({
      providers: provideTestLocalDb({ registry: [...SYNC_TABLES, INVOICES] }),
    });
    const handle = await TestBed.inject(LocalDatabase).open();
    const invoices = handle.anyTable(INVOICES.name);

    expect(invoices.name).toBe('invoices');
    // The registry's version plus the sync metadata's own (SYNC_META_SCHEMA_VERSION).
    expect(invoices.schema.version).toBe(4);
    await invoices.insert({
      id: 'i1',
      number: 'INV-1',
      total: 10,
      syncPending: true,
      syncRev: -1,
      syncChangeId: 'x',
      syncChangedAt: 1,
      syncAttempts: 0,
      syncError: '',
      syncDeadLetter: false,
      syncConflict: null,
      syncConflictFields: [],
      localDeleted: false,
      syncBase: null,
      syncPrior: [],
      syncPriorData: [],
      syncStale: false,
      syncSeenRev: 0,
    });
    expect(await invoices.count().exec()).toBe(1);
  });

  it('migrates documents stored before the sync metadata version 1, filling its defaults', async () => {
    const name = `test-migrate-${crypto.randomUUID()}`;
    const old = await createRxDatabase({
      name,
      storage: await withDevTooling(getRxStorageMemory()),
      multiInstance: false,
    });
    await old.addCollections({
      work_orders: { schema: version0Schema(tableSpec('workOrders')) },
      checkpoints: { schema: VERSION_0_CHECKPOINTS as unknown as RxJsonSchema<object> },
    });
    const fields = { title: 'T', customerId: 'c1', status: 'open' };
    const inserted = await old.collections['work_orders'].bulkInsert([
      { id: 'synced', ...fields, ...OLD_META, syncPending: false, syncChangeId: '' },
      { id: 'pending', ...fields, ...OLD_META, syncPending: true, syncChangeId: 'c9' },
    ]);
    // bulkInsert reports refusals instead of throwing: the old documents must really be there.
    expect(inserted.error).toEqual([]);
    await old.collections['checkpoints'].insert({
      id: 'u1|workOrders',
      userId: 'u1',
      table: 'workOrders',
      checkpoint: 'r:4',
      initialComplete: true,
      updatedAt: 1,
    });
    await old.close();

    TestBed.configureTestingModule({
      providers: [
        ...provideTestLocalDb(),
        {
          provide: LOCAL_DB_OPTIONS,
          useValue: { name, multiInstance: false, closeDuplicates: false },
        },
      ],
    });
    const handle = await TestBed.inject(LocalDatabase).open();

    const docs = await handle
      .table('workOrders')
      .find({ sort: [{ id: 'asc' }] })
      .exec();
    expect(docs.map((doc) => [doc.id, doc.syncBase, doc.syncPrior, doc.syncStale])).toEqual([
      // Pending: the base was never kept; null makes the server conflict rather than guess.
      ['pending', null, [], false],
      // Synced: its fields are the server's version at syncRev.
      ['synced', fields, [], false],
    ]);
    expect(docs[0].syncConflictFields).toEqual([]);
    expect(docs[0].syncPriorData).toEqual([]);
    expect(docs.map((doc) => doc.syncSeenRev)).toEqual([0, 0]);
    const checkpoint = await handle.checkpoints.findOne('u1|workOrders').exec();
    expect([checkpoint?.checkpoint, checkpoint?.generation, checkpoint?.initialComplete]).toEqual([
      'r:4',
      0,
      true,
    ]);
  });

  it('opens once for concurrent callers', async () => {
    TestBed.configureTestingModule({ providers: provideTestLocalDb() });
    const database = TestBed.inject(LocalDatabase);

    const [a, b] = await Promise.all([database.open(), database.open()]);

    expect(a).toBe(b);
  });

  it('maps camelCase table names to snake_case collection names', () => {
    expect(collectionName('workOrderLines')).toBe('work_order_lines');
    expect(collectionName('customers')).toBe('customers');
    expect(() => collectionName('meta' as TableName)).toThrowError(/clashes/);
  });

  it('requires and bounds every indexed field, as Dexie needs', () => {
    for (const spec of SYNC_TABLES) {
      const schema = syncTableSchema(spec);
      const indexed = (schema.indexes ?? []).flat() as string[];
      for (const field of indexed) {
        expect(schema.required).withContext(`${spec.name}.${field}`).toContain(field);
      }
      expect(schema.properties['id']).toEqual({ type: 'string', maxLength: 64 });
    }
  });
});
