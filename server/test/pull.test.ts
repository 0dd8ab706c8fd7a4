import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import type { ManifestResponse, PullTableResult, ServerRecord } from '../../contract/protocol';
import { SYNC_TABLES } from '../../contract/tables';
import { seedMore } from '../src/seed/seed';
import { toServerRecord, type RecordRow, RECORD_COLUMNS } from '../src/store/records';
import { assertNoGap, runGapSafetyScenario, storeTarget } from './gap-safety';
import {
  call,
  change,
  login,
  orderDeletion,
  pullAll,
  pullOnce,
  push,
  resetData,
  SMALL_SEED,
  startTestApp,
  workOrder,
} from './helpers';

let app: FastifyInstance;
let token: string;
let userId: string;

before(async () => {
  app = await startTestApp();
  // resetData keeps sessions, so one login serves the whole file.
  const session = await login(app, 'alice');
  token = session.token;
  userId = session.user.id;
});
after(() => app.close());
beforeEach(() => resetData(app));

async function serverState(table: string): Promise<Map<string, ServerRecord>> {
  const { rows } = await app.db.query<RecordRow>(
    `SELECT ${RECORD_COLUMNS} FROM records WHERE user_id = $1 AND table_name = $2`,
    [userId, table],
  );
  return new Map(rows.map((row) => [row.id, toServerRecord(row)]));
}

describe('manifest', () => {
  test('lists every table in registry order with the caller’s live counts', async () => {
    const target = (await serverState('workOrders')).get('wo-000001')!;
    const deleted = await push(app, token, await orderDeletion(app, userId, target));
    assert.equal(deleted.results.at(-1)?.status, 'applied');
    const response = await call<ManifestResponse>(app, 'GET', '/api/sync/manifest', { token });
    assert.equal(response.status, 200);
    const workOrders = response.body.tables.find((t) => t.name === 'workOrders');
    assert.deepEqual(
      response.body.tables.map(({ name, kind, schemaVersion }) => ({ name, kind, schemaVersion })),
      SYNC_TABLES.map(({ name, kind, schemaVersion }) => ({ name, kind, schemaVersion })),
    );
    assert.equal(response.body.tables[0]?.count, SMALL_SEED.customers);
    assert.equal(workOrders?.count, SMALL_SEED.workOrders - 1, 'tombstones are not counted');
  });
});

describe('pull', () => {
  test('fills the limit table by table, in request order, each with its own checkpoint', async () => {
    const first = await pullOnce(app, token, {
      tables: [
        { table: 'products', checkpoint: null },
        { table: 'customers', checkpoint: null },
      ],
      limit: 15,
    });
    const [products, customers] = first.tables;
    assert.equal(products?.records.length, SMALL_SEED.products);
    assert.equal(products?.hasMore, false);
    assert.equal(customers?.records.length, 15 - SMALL_SEED.products);
    assert.equal(customers?.hasMore, true);
    const second = await pullOnce(app, token, {
      tables: [
        { table: 'products', checkpoint: products!.checkpoint },
        { table: 'customers', checkpoint: customers!.checkpoint },
      ],
      limit: 15,
    });
    assert.deepEqual(second.tables[0], {
      table: 'products',
      records: [],
      checkpoint: products!.checkpoint,
      hasMore: false,
    });
    const allCustomers = [...customers!.records, ...second.tables[1]!.records].map((r) => r.id);
    assert.equal(new Set(allCustomers).size, SMALL_SEED.customers);
    assert.equal(second.tables[1]?.hasMore, false);
  });

  test('a table past the limit still says whether it has more', async () => {
    const response = await pullOnce(app, token, {
      tables: [
        { table: 'customers', checkpoint: null },
        { table: 'products', checkpoint: null },
      ],
      limit: SMALL_SEED.customers,
    });
    assert.deepEqual(response.tables[1], {
      table: 'products',
      records: [],
      checkpoint: null,
      hasMore: true,
    });
  });

  test('records come oldest revision first, with the shape of ServerRecord', async () => {
    const { records } = await pullAll(app, token, 'workOrders', 4);
    const revs = records.map((record) => record.rev);
    assert.deepEqual(
      revs,
      [...revs].sort((a, b) => a - b),
    );
    const sample = records[0]!;
    assert.deepEqual(Object.keys(sample).sort(), ['data', 'deleted', 'id', 'rev', 'updatedAt']);
    assert.equal(sample.deleted, false);
    assert.ok(!('id' in sample.data!), 'data holds the fields without id');
    assert.ok(Math.abs(sample.updatedAt - Date.now()) < 60_000);
  });

  test('a deletion comes as a tombstone', async () => {
    const start = await pullAll(app, token, 'workOrders', 1000);
    const target = start.records[0]!;
    await push(app, token, await orderDeletion(app, userId, target));
    const next = await pullAll(app, token, 'workOrders', 1000, start.checkpoint);
    assert.equal(next.records.length, 1);
    assert.equal(next.records[0]?.id, target.id);
    assert.equal(next.records[0]?.deleted, true);
    assert.equal(next.records[0]?.data, null);
  });

  test('the default limit is 1,000 and 5,000 is allowed', async () => {
    await seedMore(app.db, 'alice', 'customers', 1200);
    const byDefault = await pullOnce(app, token, {
      tables: [{ table: 'customers', checkpoint: null }],
    });
    assert.equal(byDefault.tables[0]?.records.length, 1000);
    assert.equal(byDefault.tables[0]?.hasMore, true);
    const max = await pullOnce(app, token, {
      tables: [{ table: 'customers', checkpoint: null }],
      limit: 5000,
    });
    assert.equal(max.tables[0]?.records.length, 1200 + SMALL_SEED.customers);
    assert.equal(max.tables[0]?.hasMore, false);
  });

  test('a checkpoint ahead of the server (after a reset) is a 409, not an empty page', async () => {
    const response = await call<{ message: string }>(app, 'POST', '/api/sync/pull', {
      token,
      body: { tables: [{ table: 'customers', checkpoint: 'r:999999' }] },
    });
    assert.equal(response.status, 409);
    assert.match(response.body.message, /ahead of the server/);
  });

  test('pages with writes in between: nothing skipped, nothing stale at the end', async () => {
    let created = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.tuple(fc.constantFrom('update', 'delete', 'create'), fc.nat(30)), {
          maxLength: 12,
        }),
        async (limit, operations) => {
          const seen = new Map<string, ServerRecord>();
          const revs: number[] = [];
          let checkpoint: string | null = null;
          let hasMore = true;
          const pending = [...operations];
          while (hasMore || pending.length > 0) {
            if (hasMore) {
              const page: PullTableResult = (
                await pullOnce(app, token, { tables: [{ table: 'workOrders', checkpoint }], limit })
              ).tables[0]!;
              for (const record of page.records) {
                seen.set(record.id, record);
                revs.push(record.rev);
              }
              checkpoint = page.checkpoint;
              hasMore = page.hasMore;
            }
            const operation = pending.shift();
            if (!operation) continue;
            // A write between pages: to a record already pulled or not yet, or a new one.
            const state = [...(await serverState('workOrders')).values()].filter((r) => !r.deleted);
            const [kind, pickIndex] = operation;
            const target = state[pickIndex % Math.max(state.length, 1)];
            if (kind === 'create' || !target) {
              created += 1;
              await push(app, token, [change('workOrders', `new-${created}`, workOrder())]);
            } else {
              const edit = workOrder('cus-000002', `edit ${pickIndex}`);
              const changes =
                kind === 'delete'
                  ? await orderDeletion(app, userId, target)
                  : [change('workOrders', target.id, edit, { baseRev: target.rev })];
              const results = (await push(app, token, changes)).results;
              assert.equal(results.at(-1)?.status, 'applied', JSON.stringify(results));
            }
            hasMore = true;
          }
          // Revisions only grow across pages: no record repeats within one pass of the log...
          assert.deepEqual(
            revs,
            [...revs].sort((a, b) => a - b),
          );
          assert.equal(new Set(revs).size, revs.length);
          // ...and what the client ends up with is exactly the server's state.
          assert.deepEqual(seen, await serverState('workOrders'));
        },
      ),
      { numRuns: 25 },
    );
  });

  test('a slow writer holding its revision open never makes a pull skip it', async () => {
    const outcome = await runGapSafetyScenario(storeTarget(app.db, userId), 'pglite');
    assertNoGap(outcome, 'pglite');
  });
});
