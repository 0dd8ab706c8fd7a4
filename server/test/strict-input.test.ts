/**
 * Strict input (issue 13, item 3): only own properties are fields, a scalar field takes only a
 * scalar, nesting is bounded before anything recursive runs, and a value the database can't
 * store rejects its record only. fuzz.test.ts throws the same classes at every endpoint.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { PushResult } from '../../contract/protocol';
import { jsonNestingExceeds, MAX_JSON_DEPTH } from '../src/json-body';
import { call, change, login, push, resetData, startTestApp, workOrder } from './helpers';

let app: FastifyInstance;
let token: string;

/** Everything a refused request or a rejected change could have written. */
async function written(): Promise<string> {
  const { rows } = await app.db.query<{ s: unknown }>(
    `SELECT json_build_array(
       (SELECT json_agg(rev ORDER BY username) FROM users),
       (SELECT count(*) FROM records),
       (SELECT count(*) FROM applied_changes))::text AS s`,
  );
  return String(rows[0]?.s);
}

before(async () => {
  app = await startTestApp();
  token = (await login(app, 'alice')).token;
});
after(() => app.close());
beforeEach(() => resetData(app));

/** A push of one work order whose body text ends in `tail` inside its data, sent as is. */
function rawPush(id: string, tail: string) {
  const head = JSON.stringify({ table: 'workOrders', id, changeId: `c-${id}`, baseRev: null });
  const data = JSON.stringify(workOrder()).slice(0, -1);
  return app.inject({
    method: 'POST',
    url: '/api/sync/push',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    payload: `{"changes":[${head.slice(0, -1)},"deleted":false,"data":${data},${tail}}}]}`,
  });
}

const statuses = (results: PushResult[]) => results.map((result) => result.status);

describe('only own properties are fields', () => {
  const inherited = ['toString', 'valueOf', 'constructor', 'hasOwnProperty', 'isPrototypeOf'];

  test('a field named after Object.prototype is unknown, whatever its value', async () => {
    const before = await written();
    const values: unknown[] = ['x'.repeat(4_000_000), [[[['deep']]]], { a: 1 }, 42, null];
    for (const name of inherited) {
      for (const value of values) {
        const { results } = await push(app, token, [
          change('workOrders', `wo-${name}`, { ...workOrder(), [name]: value }),
        ]);
        assert.equal(results[0]?.status, 'rejected', `${name}: ${JSON.stringify(results[0])}`);
        const reason = results[0]?.status === 'rejected' ? results[0].reason : '';
        assert.equal(reason, `unknown field "${name}"`);
      }
    }
    assert.equal(await written(), before);
  });

  test('an unknown field name is quoted short in the reason, however long', async () => {
    const { results } = await push(app, token, [
      change('workOrders', 'wo-long-key', { ...workOrder(), ['k'.repeat(100_000)]: 1 }),
    ]);
    const reason = results[0]?.status === 'rejected' ? results[0].reason : '';
    assert.match(reason, /^unknown field "k{60}…"$/);
  });

  test('a scalar field takes only a scalar', async () => {
    const { results } = await push(app, token, [
      change('workOrders', 'wo-array', { ...workOrder(), title: ['Fix'] }),
      change('workOrders', 'wo-object', { ...workOrder(), notes: { text: 'x' } }),
      change('workOrderLines', 'wol-array', {
        workOrderId: 'wo-000001',
        productId: 'prd-000001',
        quantity: [2],
      }),
    ]);
    assert.deepEqual(
      results.map((result) => (result.status === 'rejected' ? result.reason : result.status)),
      ['"title" must be a string', '"notes" must be a string', '"quantity" must be a number'],
    );
  });
});

describe('nesting is bounded before any recursive work', () => {
  test('the scanner counts depth outside strings only', () => {
    assert.equal(jsonNestingExceeds('[[1]]', 2), false);
    assert.equal(jsonNestingExceeds('[[[1]]]', 2), true);
    assert.equal(jsonNestingExceeds('{"a":{"b":[]}}', 3), false);
    assert.equal(jsonNestingExceeds('{"a":{"b":[{}]}}', 3), true);
    assert.equal(jsonNestingExceeds('["[[[[", "\\"[[[["]', 1), false);
    assert.equal(jsonNestingExceeds('["\\\\", [[]]]', 2), true);
    assert.equal(jsonNestingExceeds('["\\\\\\"[[[", [[]]]', 3), false);
    assert.equal(jsonNestingExceeds('[]'.repeat(1000), 1), false);
  });

  test(`a body nested deeper than ${MAX_JSON_DEPTH} levels is a 400, even 100,000 deep`, async () => {
    const before = await written();
    for (const depth of [MAX_JSON_DEPTH, 4_300, 100_000]) {
      const response = await rawPush(
        `wo-d${depth}`,
        `"toString":${'['.repeat(depth)}${']'.repeat(depth)}`,
      );
      assert.equal(response.statusCode, 400, `${depth}: ${response.body.slice(0, 200)}`);
      assert.equal(
        response.json().message,
        `the JSON body is nested deeper than ${MAX_JSON_DEPTH} levels`,
      );
    }
    assert.equal(await written(), before);
  });

  test('a nested value within the bound is a rejection of its change only', async () => {
    const within = MAX_JSON_DEPTH - 6;
    const response = await rawPush(
      'wo-within',
      `"valueOf":${'['.repeat(within)}${']'.repeat(within)}`,
    );
    assert.equal(response.statusCode, 200, response.body.slice(0, 200));
    assert.deepEqual(statuses(response.json().results), ['rejected']);
  });
});

describe('a value the database cannot store rejects its record only', () => {
  test('NUL or a lone surrogate anywhere in a record; the valid changes still apply', async () => {
    const { results } = await push(app, token, [
      change('workOrders', 'wo-valid-1', workOrder()),
      change('workOrders', 'wo-nul', { ...workOrder(), title: 'a\u0000b' }),
      change('workOrders', 'wo-surrogate', { ...workOrder(), notes: 'a\ud800b' }),
      change('workOrders', 'wo-low', { ...workOrder(), title: '\udc00' }),
      change('workOrders', 'wo-deep', { ...workOrder(), valueOf: { a: [['x\u0000y']] } }),
      change('workOrders', 'wo-key', { ...workOrder(), ['ti\u0000tle']: 'x' }),
      change('workOrders', 'wo-emoji', { ...workOrder(), title: 'Boiler 🔥 fixed' }),
      change('workOrders', 'wo-valid-2', workOrder()),
    ]);
    assert.deepEqual(statuses(results), [
      'applied',
      'rejected',
      'rejected',
      'rejected',
      'rejected',
      'rejected',
      'applied',
      'applied',
    ]);
    const reasons = results.map((result) => (result.status === 'rejected' ? result.reason : ''));
    assert.equal(reasons[1], '"title" must not contain NUL characters');
    assert.equal(reasons[2], '"notes" must not contain unpaired surrogates');
    assert.equal(reasons[3], '"title" must not contain unpaired surrogates');
    assert.match(reasons[4]!, /"valueOf" must not contain NUL characters/);
    assert.match(reasons[5]!, /a field name must not contain NUL characters/);
    const emoji = results[6]?.status === 'applied' ? results[6].record.data : null;
    assert.equal(emoji?.['title'], 'Boiler 🔥 fixed');
  });

  test('a lone surrogate in an id or a changeId is refused with the envelope', async () => {
    const before = await written();
    for (const bad of [
      change('workOrders', 'wo-\ud800', workOrder()),
      change('workOrders', 'wo-ok', workOrder(), { changeId: 'c-\udfff' }),
      change('workOrders', 'wo-ok', workOrder(), { priorChangeIds: ['c-\ud83d'] }),
    ]) {
      const response = await call<{ message: string }>(app, 'POST', '/api/sync/push', {
        token,
        body: { changes: [bad] },
      });
      assert.equal(response.status, 400, JSON.stringify(response.body));
      assert.match(response.body.message, /must match pattern/);
    }
    assert.equal(await written(), before);
  });
});
