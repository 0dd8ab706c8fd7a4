import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { MAX_PUSH_BATCH, MAX_RECORDS_IDS } from '../../contract/protocol';
import { call, change, login, startTestApp, workOrder } from './helpers';

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

interface Case {
  name: string;
  url: '/api/sync/pull' | '/api/sync/push' | '/api/sync/records' | '/api/auth/login';
  body?: unknown;
  rawBody?: string;
  contentType?: string;
  status: number;
  message: RegExp;
}

const pullOf = (tables: unknown, extra: object = {}) => ({ tables, ...extra });
const pushOf = (changes: unknown, extra: object = {}) => ({ changes, ...extra });
const valid = () => change('workOrders', 'wo-bad-input', workOrder());

const CASES: Case[] = [
  {
    name: 'malformed JSON',
    url: '/api/sync/pull',
    rawBody: '{"tables": [',
    status: 400,
    message: /not valid JSON/,
  },
  {
    name: 'an empty JSON body',
    url: '/api/sync/push',
    rawBody: '',
    status: 400,
    message: /empty/i,
  },
  {
    name: 'plain text',
    url: '/api/sync/push',
    rawBody: 'changes',
    contentType: 'text/plain',
    status: 415,
    message: /^unsupported content-type "text\/plain": send application\/json$/,
  },
  {
    name: 'an unsupported content type',
    url: '/api/sync/push',
    rawBody: '<changes/>',
    contentType: 'application/xml',
    status: 415,
    message: /content-type/i,
  },
  {
    name: 'tables not an array',
    url: '/api/sync/pull',
    body: pullOf('customers'),
    status: 400,
    message: /^body\/tables must be array$/,
  },
  {
    name: 'limit as a string',
    url: '/api/sync/pull',
    body: pullOf([], { limit: '10' }),
    status: 400,
    message: /^body\/limit must be integer$/,
  },
  {
    name: 'limit 0',
    url: '/api/sync/pull',
    body: pullOf([], { limit: 0 }),
    status: 400,
    message: /^body\/limit must be >= 1$/,
  },
  {
    name: 'limit above 5000',
    url: '/api/sync/pull',
    body: pullOf([], { limit: 5001 }),
    status: 400,
    message: /^body\/limit must be <= 5000$/,
  },
  {
    name: 'a fractional limit',
    url: '/api/sync/pull',
    body: pullOf([], { limit: 1.5 }),
    status: 400,
    message: /integer/,
  },
  {
    name: 'an unknown pull table',
    url: '/api/sync/pull',
    body: pullOf([{ table: 'invoices', checkpoint: null }]),
    status: 400,
    message:
      /^body\/tables\/0\/table must be one of: customers, products, workOrders, workOrderLines$/,
  },
  {
    name: 'a duplicate pull table',
    url: '/api/sync/pull',
    body: pullOf([
      { table: 'products', checkpoint: null },
      { table: 'products', checkpoint: null },
    ]),
    status: 400,
    message: /listed twice/,
  },
  {
    name: 'a checkpoint that is not r:<rev>',
    url: '/api/sync/pull',
    body: pullOf([{ table: 'products', checkpoint: '42' }]),
    status: 400,
    message: /malformed checkpoint "42"/,
  },
  {
    name: 'a negative checkpoint',
    url: '/api/sync/pull',
    body: pullOf([{ table: 'products', checkpoint: 'r:-1' }]),
    status: 400,
    message: /malformed checkpoint/,
  },
  {
    name: 'a numeric checkpoint',
    url: '/api/sync/pull',
    body: pullOf([{ table: 'products', checkpoint: 7 }]),
    status: 400,
    message: /checkpoint must be string,null/,
  },
  {
    name: 'a missing checkpoint',
    url: '/api/sync/pull',
    body: pullOf([{ table: 'products' }]),
    status: 400,
    message: /missing the property "checkpoint"/,
  },
  {
    name: 'an unknown envelope field (pull)',
    url: '/api/sync/pull',
    body: pullOf([], { since: 1 }),
    status: 400,
    message: /unknown property "since"/,
  },
  {
    name: 'an unknown envelope field (table entry)',
    url: '/api/sync/pull',
    body: pullOf([{ table: 'products', checkpoint: null, x: 1 }]),
    status: 400,
    message: /unknown property "x"/,
  },
  {
    name: 'changes not an array',
    url: '/api/sync/push',
    body: pushOf({}),
    status: 400,
    message: /^body\/changes must be array$/,
  },
  {
    name: 'an unknown push table',
    url: '/api/sync/push',
    body: pushOf([{ ...valid(), table: 'invoices' }]),
    status: 400,
    message: /must be one of/,
  },
  {
    name: 'baseRev as a string',
    url: '/api/sync/push',
    body: pushOf([{ ...valid(), baseRev: '3' }]),
    status: 400,
    message: /baseRev must be integer,null/,
  },
  {
    name: 'a negative baseRev',
    url: '/api/sync/push',
    body: pushOf([{ ...valid(), baseRev: -1 }]),
    status: 400,
    message: /baseRev must be >= 0/,
  },
  {
    name: 'deleted as a string',
    url: '/api/sync/push',
    body: pushOf([{ ...valid(), deleted: 'false' }]),
    status: 400,
    message: /deleted must be boolean/,
  },
  {
    name: 'data as an array',
    url: '/api/sync/push',
    body: pushOf([{ ...valid(), data: [1] }]),
    status: 400,
    message: /data must be object,null/,
  },
  {
    name: 'a missing changeId',
    url: '/api/sync/push',
    body: pushOf([{ ...valid(), changeId: undefined }]),
    status: 400,
    message: /missing the property "changeId"/,
  },
  {
    name: 'an empty id',
    url: '/api/sync/push',
    body: pushOf([{ ...valid(), id: '' }]),
    status: 400,
    message: /id must NOT have fewer than 1 characters/,
  },
  {
    name: 'an id over 64 characters',
    url: '/api/sync/push',
    body: pushOf([{ ...valid(), id: 'x'.repeat(65) }]),
    status: 400,
    message: /more than 64/,
  },
  {
    name: 'a NUL in an id',
    url: '/api/sync/push',
    body: pushOf([{ ...valid(), id: 'a\u0000b' }]),
    status: 400,
    message: /must match pattern/,
  },
  {
    name: 'an unknown envelope field (change)',
    url: '/api/sync/push',
    body: pushOf([{ ...valid(), rev: 3 }]),
    status: 400,
    message: /unknown property "rev"/,
  },
  {
    name: 'an unknown envelope field (push)',
    url: '/api/sync/push',
    body: pushOf([], { force: true }),
    status: 400,
    message: /unknown property "force"/,
  },
  {
    name: `more than ${MAX_PUSH_BATCH} changes`,
    url: '/api/sync/push',
    body: pushOf(Array.from({ length: MAX_PUSH_BATCH + 1 }, valid)),
    status: 400,
    message: /more than 500 items/,
  },
  {
    name: 'base as an array',
    url: '/api/sync/push',
    body: pushOf([{ ...valid(), base: [] }]),
    status: 400,
    message: /base must be object,null/,
  },
  {
    name: 'priorChangeIds not an array',
    url: '/api/sync/push',
    body: pushOf([{ ...valid(), priorChangeIds: 'c-1' }]),
    status: 400,
    message: /priorChangeIds must be array/,
  },
  {
    name: 'an empty prior changeId',
    url: '/api/sync/push',
    body: pushOf([{ ...valid(), priorChangeIds: [''] }]),
    status: 400,
    message: /priorChangeIds\/0 must NOT have fewer than 1 characters/,
  },
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
  {
    name: 'a NUL in a username',
    url: '/api/auth/login',
    body: { username: 'al\u0000ice', password: 'x' },
    status: 400,
    message: /pattern/,
  },
];

describe('bad input is a 4xx with a clear message and writes nothing', () => {
  for (const item of CASES) {
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
