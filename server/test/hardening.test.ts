import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { Db } from '../src/store/db';
import { currentRevision } from '../src/store/records';
import { appOnClock, call, change, login, workOrder } from './helpers';

const fixture = appOnClock({ sessionTtlMs: 60_000 });

function attempt(target: FastifyInstance, username: string, address = '127.0.0.1') {
  return target.inject({
    method: 'POST',
    url: '/api/auth/login',
    remoteAddress: address,
    payload: { username, password: 'wrong' },
  });
}

// The login throttle has its own file: login-throttle.test.ts.

describe('credentials', () => {
  test('an unknown username costs the same scrypt time as a wrong password', async () => {
    const timed = async (username: string) => {
      const started = process.hrtime.bigint();
      assert.equal((await attempt(fixture.app, username)).statusCode, 401);
      return Number(process.hrtime.bigint() - started) / 1e6;
    };
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 7; i++) {
      known.push(await timed('alice'));
      unknown.push(await timed(`ghost-${i}`));
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[3]!;
    const ratio = median(unknown) / median(known);
    assert.ok(median(known) > 5, `a wrong password took ${median(known)} ms: no scrypt?`);
    // Without the decoy hash an unknown user answers in well under a tenth of the time; the
    // bound is loose on purpose, so a busy machine can't make this flaky.
    assert.ok(ratio > 0.33, `unknown/known time ratio ${ratio.toFixed(2)}`);
  });

  test('an expired or revoked token is refused on every route, and writes nothing', async () => {
    const session = await login(fixture.app, 'alice');
    const before = await currentRevision(fixture.app.db, session.user.id);
    fixture.clock += 60_000;
    const pushed = await call(fixture.app, 'POST', '/api/sync/push', {
      token: session.token,
      body: { changes: [change('workOrders', 'wo-late', workOrder())] },
    });
    assert.equal(pushed.status, 401);
    assert.equal(await currentRevision(fixture.app.db, session.user.id), before);
    assert.equal(
      (await call(fixture.app, 'POST', '/api/auth/logout', { token: session.token })).status,
      401,
    );
  });
});

describe('error responses', () => {
  /** The fixture.app's database, with one kind of statement made to fail the way a driver fails. */
  function failing(pattern: RegExp, code: string): Db {
    const error = () =>
      Object.assign(new Error(`relation "records" does not exist: SELECT secret FROM records`), {
        code,
      });
    return {
      driver: fixture.app.db.driver,
      query: (sql, params) =>
        pattern.test(sql) ? Promise.reject(error()) : fixture.app.db.query(sql, params),
      transaction: (fn) => fixture.app.db.transaction(fn),
      close: async () => {},
    };
  }

  test('a database failure is a generic 500: no SQL, no stack, logged for operators', async () => {
    const lines: string[] = [];
    const broken = await fixture.instance({
      db: failing(/count\(\*\) AS n FROM records/, '42P01'),
      logLevel: 'error',
      logStream: { write: (line) => lines.push(line) },
    });
    const { token } = await login(fixture.app, 'alice');
    const response = await broken.inject({
      method: 'GET',
      url: '/api/sync/manifest',
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(response.statusCode, 500);
    assert.deepEqual(response.json(), {
      statusCode: 500,
      error: 'Internal Server Error',
      message: 'unexpected server error',
    });
    assert.doesNotMatch(response.body, /SELECT|records|at /);
    assert.match(lines.join(''), /relation \\"records\\" does not exist/);
  });

  test('a value the database refuses is a 400 that names no SQL', async () => {
    const refusing = await fixture.instance({
      db: failing(/count\(\*\) AS n FROM records/, '22P05'),
    });
    const { token } = await login(fixture.app, 'alice');
    const response = await call<{ message: string }>(refusing, 'GET', '/api/sync/manifest', {
      token,
    });
    assert.equal(response.status, 400);
    assert.equal(response.body.message, 'the request contains a value the database cannot store');
  });

  test('the body limit is configurable and answers 413', async () => {
    const small = await fixture.instance({ bodyLimit: 1024 });
    const { token } = await login(fixture.app, 'alice');
    const response = await call(small, 'POST', '/api/sync/push', {
      token,
      body: {
        changes: [change('workOrders', 'wo-big', workOrder('cus-000001', 'x'.repeat(2000)))],
      },
    });
    assert.equal(response.status, 413);
  });
});

describe('headers', () => {
  test('API answers carry the security headers', async () => {
    const response = await fixture.app.inject({ method: 'GET', url: '/api/health' });
    assert.equal(response.headers['x-content-type-options'], 'nosniff');
    assert.equal(response.headers['x-frame-options'], 'SAMEORIGIN');
    assert.equal(response.headers['referrer-policy'], 'no-referrer');
    assert.match(String(response.headers['content-security-policy']), /frame-ancestors 'self'/);
    assert.equal(response.headers['x-powered-by'], undefined);
  });

  test('CORS answers only the configured origins', async () => {
    const preflight = (target: FastifyInstance, origin: string) =>
      target.inject({
        method: 'OPTIONS',
        url: '/api/sync/pull',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization,content-type',
        },
      });
    const withCors = await fixture.instance({ corsOrigins: ['http://localhost:4200'] });
    const allowed = await preflight(withCors, 'http://localhost:4200');
    assert.equal(allowed.headers['access-control-allow-origin'], 'http://localhost:4200');
    const other = await preflight(withCors, 'https://evil.example');
    assert.equal(other.headers['access-control-allow-origin'], undefined);
    const none = await preflight(fixture.app, 'http://localhost:4200');
    assert.equal(none.headers['access-control-allow-origin'], undefined);
  });
});
