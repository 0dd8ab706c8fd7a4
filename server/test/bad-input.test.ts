import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { MAX_RECORDS_IDS } from '../../contract/protocol';
import { CASES, pushOf, valid, type Case } from './bad-input-cases';
import { call, login, startTestApp } from './helpers';

let app: FastifyInstance;
let token: string;
let snapshot: unknown;

/** Everything a bad request could have written to. */
async function dataSnapshot(): Promise<unknown> {
  const { rows } = await app.db.query(
    `SELECT (SELECT json_agg(rev ORDER BY id) FROM users) AS revs,
            (SELECT count(*) FROM records) AS records,
            (SELECT count(*) FROM applied_changes) AS changes`,
  );
  return JSON.stringify(rows[0]);
}

before(async () => {
  app = await startTestApp();
  token = (await login(app, 'alice')).token;
  snapshot = await dataSnapshot();
});
after(() => app.close());

const RECORDS_CASES: Case[] = [
  {
    name: 'an unknown records table',
    url: '/api/sync/records',
    body: { table: 'invoices', ids: ['x'] },
    status: 400,
    message: /^body\/table must be one of: customers, products, workOrders, workOrderLines$/,
  },
  {
    name: 'no records ids',
    url: '/api/sync/records',
    body: { table: 'workOrders', ids: [] },
    status: 400,
    message: /^body\/ids must NOT have fewer than 1 items$/,
  },
  {
    name: `more than ${MAX_RECORDS_IDS} records ids`,
    url: '/api/sync/records',
    body: {
      table: 'workOrders',
      ids: Array.from({ length: MAX_RECORDS_IDS + 1 }, (_, i) => `${i}`),
    },
    status: 400,
    message: /^body\/ids must NOT have more than 500 items$/,
  },
  {
    name: 'a records id over 64 characters',
    url: '/api/sync/records',
    body: { table: 'workOrders', ids: ['x'.repeat(65)] },
    status: 400,
    message: /more than 64/,
  },
  {
    name: 'an empty records id',
    url: '/api/sync/records',
    body: { table: 'workOrders', ids: [''] },
    status: 400,
    message: /ids\/0 must NOT have fewer than 1 characters/,
  },
  {
    name: 'a records id that is not a string',
    url: '/api/sync/records',
    body: { table: 'workOrders', ids: [42] },
    status: 400,
    message: /ids\/0 must be string/,
  },
  {
    name: 'records without ids',
    url: '/api/sync/records',
    body: { table: 'workOrders' },
    status: 400,
    message: /missing the property "ids"/,
  },
  {
    name: 'an unknown envelope field (records)',
    url: '/api/sync/records',
    body: { table: 'workOrders', ids: ['wo-000001'], since: 3 },
    status: 400,
    message: /unknown property "since"/,
  },
  {
    name: 'records as plain text',
    url: '/api/sync/records',
    rawBody: 'wo-000001',
    contentType: 'text/plain',
    status: 415,
    message: /content-type/,
  },
];

describe('bad input is a 4xx with a clear message and writes nothing', () => {
  for (const item of [...CASES, ...RECORDS_CASES]) {
    test(item.name, async () => {
      const response = await call<{ statusCode: number; error: string; message: string }>(
        app,
        'POST',
        item.url,
        {
          token,
          body: item.body,
          rawBody: item.rawBody,
          contentType: item.contentType,
        },
      );
      assert.equal(response.status, item.status, JSON.stringify(response.body));
      assert.deepEqual(Object.keys(response.body).sort(), ['error', 'message', 'statusCode']);
      assert.equal(response.body.statusCode, item.status);
      assert.match(response.body.message, item.message);
    });
  }

  test('an oversized body is a 413', async () => {
    const huge = JSON.stringify(
      pushOf([{ ...valid(), data: { notes: 'x'.repeat(6 * 1024 * 1024) } }]),
    );
    const response = await call<{ message: string }>(app, 'POST', '/api/sync/push', {
      token,
      rawBody: huge,
    });
    assert.equal(response.status, 413);
    assert.match(response.body.message, /too large/i);
  });

  test('an unknown /api route is a JSON 404, whatever the method', async () => {
    for (const method of ['GET', 'POST', 'DELETE'] as const) {
      const response = await call<{ statusCode: number; message: string }>(
        app,
        method,
        '/api/nothing/here',
      );
      assert.equal(response.status, 404);
      assert.equal(response.body.message, `no route ${method} /api/nothing/here`);
    }
  });

  test('none of the above wrote anything', async () => {
    assert.equal(await dataSnapshot(), snapshot);
  });
});

describe('fuzzing', () => {
  test('arbitrary JSON never causes a 5xx', async () => {
    const table = fc.constantFrom('customers', 'workOrders', 'workOrderLines', 'x', 1, null);
    const anyChange = fc.record(
      {
        table,
        id: fc.oneof(fc.string({ maxLength: 70 }), fc.integer()),
        changeId: fc.string({ maxLength: 5 }),
        baseRev: fc.oneof(fc.constant(null), fc.integer({ min: -2, max: 5 }), fc.string()),
        base: fc.oneof(fc.constant(null), fc.jsonValue({ maxDepth: 2 })),
        priorChangeIds: fc.oneof(fc.array(fc.string({ maxLength: 5 })), fc.jsonValue()),
        deleted: fc.oneof(fc.boolean(), fc.constant(null)),
        data: fc.oneof(
          fc.constant(null),
          fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 })),
        ),
      },
      { requiredKeys: [] },
    );
    const anyRecords = fc.record(
      {
        table,
        ids: fc.oneof(fc.array(fc.oneof(fc.string({ maxLength: 70 }), fc.integer())), fc.string()),
      },
      { requiredKeys: [] },
    );
    const anyPull = fc.record(
      {
        tables: fc.array(
          fc.record({ table, checkpoint: fc.oneof(fc.constant(null), fc.string(), fc.nat()) }),
        ),
        limit: fc.oneof(fc.integer({ min: -5, max: 6000 }), fc.string()),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.tuple(
            fc.constant('/api/sync/push'),
            fc.oneof(fc.record({ changes: fc.array(anyChange, { maxLength: 3 }) }), fc.jsonValue()),
          ),
          fc.tuple(fc.constant('/api/sync/pull'), fc.oneof(anyPull, fc.jsonValue())),
          fc.tuple(fc.constant('/api/sync/records'), fc.oneof(anyRecords, fc.jsonValue())),
        ),
        async ([url, body]) => {
          const response = await call(app, 'POST', url, { token, body });
          assert.ok(response.status < 500, `${response.status} ${JSON.stringify(body)}`);
        },
      ),
      { numRuns: 150 },
    );
  });
});
