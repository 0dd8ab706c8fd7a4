import { TestBed } from '@angular/core/testing';

import { SYNC_TABLES, type TableName, type TableSpec } from '../../../../contract/tables';
import { LocalDatabase } from './local-database';
import { provideTestLocalDb, removeTestLocalDb } from './local-db.testing';
import { collectionName, syncTableSchema } from './local-schemas';

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
    expect(invoices.schema.version).toBe(3);
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
      syncStale: false,
    });
    expect(await invoices.count().exec()).toBe(1);
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
