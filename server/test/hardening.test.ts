import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppOptions } from '../src/app';
import type { Db } from '../src/store/db';
import type { LoginRateLimit } from '../src/store/login-limits';
import { currentRevision } from '../src/store/records';
import { call, change, login, startTestApp, workOrder } from './helpers';

let app: FastifyInstance;
let clock = Date.now();
const extra: FastifyInstance[] = [];

before(async () => {
  app = await startTestApp({ now: () => clock, sessionTtlMs: 60_000 });
});
after(async () => {
  for (const other of extra) await other.close();
  await app.close();
});
beforeEach(async () => {
  clock = Date.now();
  await app.db.query('DELETE FROM login_attempts');
});

/** Another instance over the same database, as a second process behind a load balancer. */
async function instance(options: AppOptions): Promise<FastifyInstance> {
  const built = await buildApp({ db: app.db, staticDir: null, now: () => clock, ...options });
  extra.push(built);
  return built;
}

const limit = (perAddress: number, perUsername: number): LoginRateLimit => ({
  perAddress,
  perUsername,
  windowMs: 60_000,
});

function attempt(target: FastifyInstance, username: string, address = '127.0.0.1') {
  return target.inject({
    method: 'POST',
    url: '/api/auth/login',
    remoteAddress: address,
    payload: { username, password: 'wrong' },
  });
}

describe('login rate limit', () => {
  test('per username, whatever the address: a 429 with Retry-After', async () => {
    const limited = await instance({ loginRateLimit: limit(100, 2) });
    assert.equal((await attempt(limited, 'bob', '10.0.0.1')).statusCode, 401);
    assert.equal((await attempt(limited, 'bob', '10.0.0.2')).statusCode, 401);
    const third = await attempt(limited, 'BOB', '10.0.0.3');
    assert.equal(third.statusCode, 429);
    assert.equal(third.headers['retry-after'], '60');
    assert.deepEqual(third.json(), {
      statusCode: 429,
      error: 'Too Many Requests',
      message: 'too many login attempts: try again in 60 s',
    });
    assert.equal((await attempt(limited, 'alice', '10.0.0.3')).statusCode, 401, 'alice unaffected');
    // Unknown usernames are counted alike, so a 429 tells nothing about who exists.
    await attempt(limited, 'nobody', '10.0.0.4');
    await attempt(limited, 'nobody', '10.0.0.4');
    assert.equal((await attempt(limited, 'nobody', '10.0.0.4')).statusCode, 429);
  });

  test('per address, whatever the username; the window ends', async () => {
    const limited = await instance({ loginRateLimit: limit(3, 100) });
    for (const name of ['u1', 'u2', 'u3']) {
      assert.equal((await attempt(limited, name, '10.1.0.1')).statusCode, 401);
    }
    clock += 30_000;
    const blocked = await attempt(limited, 'u4', '10.1.0.1');
    assert.equal(blocked.statusCode, 429);
    assert.equal(blocked.headers['retry-after'], '30');
    assert.equal((await attempt(limited, 'u4', '10.1.0.2')).statusCode, 401, 'other address');
    clock += 30_000;
    assert.equal((await attempt(limited, 'u5', '10.1.0.1')).statusCode, 401, 'a new window');
  });

  test('is shared by every instance on the database', async () => {
    const first = await instance({ loginRateLimit: limit(100, 2) });
    const second = await instance({ loginRateLimit: limit(100, 2) });
    assert.equal((await attempt(first, 'alice')).statusCode, 401);
    assert.equal((await attempt(second, 'alice')).statusCode, 401);
    assert.equal((await attempt(first, 'alice')).statusCode, 429);
  });

  test('keys on X-Forwarded-For only when TRUST_PROXY says so', async () => {
    const forwarded = (target: FastifyInstance, client: string) =>
      target.inject({
        method: 'POST',
        url: '/api/auth/login',
        remoteAddress: '10.9.9.9',
        headers: { 'x-forwarded-for': client },
        payload: { username: `user-${client}`, password: 'wrong' },
      });
    const proxied = await instance({ loginRateLimit: limit(1, 100), trustProxy: '10.9.9.9' });
    assert.equal((await forwarded(proxied, '203.0.113.1')).statusCode, 401);
    assert.equal((await forwarded(proxied, '203.0.113.2')).statusCode, 401, 'its own budget');
    assert.equal((await forwarded(proxied, '203.0.113.1')).statusCode, 429);
    await app.db.query('DELETE FROM login_attempts');
    const direct = await instance({ loginRateLimit: limit(1, 100) });
    assert.equal((await forwarded(direct, '203.0.113.1')).statusCode, 401);
    assert.equal((await forwarded(direct, '203.0.113.2')).statusCode, 429, 'header ignored');
  });

  test('is off unless configured (test mode), and a bad body costs no attempt', async () => {
    for (let i = 0; i < 12; i++) assert.equal((await attempt(app, 'alice')).statusCode, 401);
    const limited = await instance({ loginRateLimit: limit(1, 1) });
    const bad = () => limited.inject({ method: 'POST', url: '/api/auth/login', payload: {} });
    assert.equal((await bad()).statusCode, 400);
    assert.equal((await bad()).statusCode, 400);
    assert.equal((await attempt(limited, 'bob')).statusCode, 401);
  });
});

describe('credentials', () => {
  test('an unknown username costs the same scrypt time as a wrong password', async () => {
    const timed = async (username: string) => {
      const started = process.hrtime.bigint();
      assert.equal((await attempt(app, username)).statusCode, 401);
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
    const session = await login(app, 'alice');
    const before = await currentRevision(app.db, session.user.id);
    clock += 60_000;
    const pushed = await call(app, 'POST', '/api/sync/push', {
      token: session.token,
      body: { changes: [change('workOrders', 'wo-late', workOrder())] },
    });
    assert.equal(pushed.status, 401);
    assert.equal(await currentRevision(app.db, session.user.id), before);
    assert.equal(
      (await call(app, 'POST', '/api/auth/logout', { token: session.token })).status,
      401,
    );
  });
});

describe('error responses', () => {
  /** The app's database, with one kind of statement made to fail the way a driver fails. */
  function failing(pattern: RegExp, code: string): Db {
    const error = () =>
      Object.assign(new Error(`relation "records" does not exist: SELECT secret FROM records`), {
        code,
      });
    return {
      driver: app.db.driver,
      query: (sql, params) =>
        pattern.test(sql) ? Promise.reject(error()) : app.db.query(sql, params),
      transaction: (fn) => app.db.transaction(fn),
      close: async () => {},
    };
  }

  test('a database failure is a generic 500: no SQL, no stack, logged for operators', async () => {
    const lines: string[] = [];
    const broken = await instance({
      db: failing(/count\(\*\) AS n FROM records/, '42P01'),
      logLevel: 'error',
      logStream: { write: (line) => lines.push(line) },
    });
    const { token } = await login(app, 'alice');
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
    const refusing = await instance({ db: failing(/count\(\*\) AS n FROM records/, '22P05') });
    const { token } = await login(app, 'alice');
    const response = await call<{ message: string }>(refusing, 'GET', '/api/sync/manifest', {
      token,
    });
    assert.equal(response.status, 400);
    assert.equal(response.body.message, 'the request contains a value the database cannot store');
  });

  test('the body limit is configurable and answers 413', async () => {
    const small = await instance({ bodyLimit: 1024 });
    const { token } = await login(app, 'alice');
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
    const response = await app.inject({ method: 'GET', url: '/api/health' });
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
    const withCors = await instance({ corsOrigins: ['http://localhost:4200'] });
    const allowed = await preflight(withCors, 'http://localhost:4200');
    assert.equal(allowed.headers['access-control-allow-origin'], 'http://localhost:4200');
    const other = await preflight(withCors, 'https://evil.example');
    assert.equal(other.headers['access-control-allow-origin'], undefined);
    const none = await preflight(app, 'http://localhost:4200');
    assert.equal(none.headers['access-control-allow-origin'], undefined);
  });
});
