/**
 * The login throttle (store/login-limits.ts): failures slow a guesser down, but nobody can use
 * them to keep a user out. Only failures count; a correct password is refused only because of
 * failures from its own address.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { FastifyInstance, InjectOptions } from 'fastify';
import type { LoginRateLimit } from '../src/store/login-limits';
import { appOnClock, PASSWORDS } from './helpers';

const fixture = appOnClock({ sessionTtlMs: 60_000 });

const limit = (
  perAddress: number,
  perUsernameAndAddress: number,
  perUsername: number,
): LoginRateLimit => ({ perAddress, perUsernameAndAddress, perUsername, windowMs: 60_000 });

function loginFrom(
  target: FastifyInstance,
  address: string,
  username: string,
  password = 'wrong',
  extraOptions: Partial<InjectOptions> = {},
) {
  return target.inject({
    method: 'POST',
    url: '/api/auth/login',
    remoteAddress: address,
    payload: { username, password },
    ...extraOptions,
  });
}

const right = (username: string) => PASSWORDS[username]!;

describe('login throttle', () => {
  test('slows a brute force from one address: a 429 with Retry-After, its right password too', async () => {
    const limited = await fixture.instance({ loginRateLimit: limit(100, 3, 100) });
    for (let i = 0; i < 3; i++) {
      assert.equal((await loginFrom(limited, '10.0.0.1', 'alice')).statusCode, 401);
    }
    fixture.clock += 15_000;
    const slowed = await loginFrom(limited, '10.0.0.1', 'ALICE');
    assert.equal(slowed.statusCode, 429);
    assert.equal(slowed.headers['retry-after'], '45');
    assert.deepEqual(slowed.json(), {
      statusCode: 429,
      error: 'Too Many Requests',
      message: 'too many login attempts: try again in 45 s',
    });
    // Answering the right password here would tell a guesser when it found it.
    const guessed = await loginFrom(limited, '10.0.0.1', 'alice', right('alice'));
    assert.equal(guessed.statusCode, 429);
    fixture.clock += 45_000;
    assert.equal((await loginFrom(limited, '10.0.0.1', 'alice')).statusCode, 401, 'window over');
  });

  test('alice logs in from another address while the brute force goes on', async () => {
    const limited = await fixture.instance({ loginRateLimit: limit(100, 3, 5) });
    for (let i = 0; i < 12; i++) {
      const status = (await loginFrom(limited, '10.0.0.1', 'alice')).statusCode;
      assert.equal(status, i < 3 ? 401 : 429, `attempt ${i + 1}`);
      if (i % 4 === 0) {
        const mine = await loginFrom(limited, '10.0.0.2', 'alice', right('alice'));
        assert.equal(mine.statusCode, 200, `alice's own login during attempt ${i + 1}`);
      }
    }
  });

  test('a burst of concurrent guesses gets no more tries than the limit', async () => {
    const limited = await fixture.instance({ loginRateLimit: limit(100, 3, 100) });
    const statuses = await Promise.all(
      Array.from(
        { length: 8 },
        async () => (await loginFrom(limited, '10.0.0.4', 'alice')).statusCode,
      ),
    );
    assert.deepEqual(statuses.sort(), [401, 401, 401, 429, 429, 429, 429, 429]);
  });

  test('only failures count', async () => {
    const limited = await fixture.instance({ loginRateLimit: limit(3, 2, 3) });
    for (let i = 0; i < 4; i++) {
      const ok = await loginFrom(limited, '10.0.0.3', 'bob', right('bob'));
      assert.equal(ok.statusCode, 200, `login ${i + 1}`);
    }
    assert.equal((await loginFrom(limited, '10.0.0.3', 'bob')).statusCode, 401);
    assert.equal((await loginFrom(limited, '10.0.0.3', 'bob', right('bob'))).statusCode, 200);
    // The success cleared this address's failures for bob: two more are allowed.
    assert.equal((await loginFrom(limited, '10.0.0.3', 'bob')).statusCode, 401);
    assert.equal((await loginFrom(limited, '10.0.0.3', 'bob')).statusCode, 401);
    assert.equal((await loginFrom(limited, '10.0.0.3', 'bob')).statusCode, 429);
  });

  test('per address, whatever the usernames it tries; unknown usernames count alike', async () => {
    const limited = await fixture.instance({ loginRateLimit: limit(3, 100, 100) });
    for (const name of ['u1', 'u2', 'alice']) {
      assert.equal((await loginFrom(limited, '10.1.0.1', name)).statusCode, 401);
    }
    fixture.clock += 30_000;
    const blocked = await loginFrom(limited, '10.1.0.1', 'u4');
    assert.equal(blocked.statusCode, 429);
    assert.equal(blocked.headers['retry-after'], '30');
    assert.equal((await loginFrom(limited, '10.1.0.2', 'u4')).statusCode, 401, 'other address');
    fixture.clock += 30_000;
    assert.equal((await loginFrom(limited, '10.1.0.1', 'u5')).statusCode, 401, 'a new window');
  });

  test('a ceiling per username stops many addresses, but only those that failed for it', async () => {
    const limited = await fixture.instance({ loginRateLimit: limit(100, 100, 3) });
    for (const address of ['10.2.0.1', '10.2.0.2', '10.2.0.3']) {
      assert.equal((await loginFrom(limited, address, 'bob')).statusCode, 401);
    }
    assert.equal((await loginFrom(limited, '10.2.0.1', 'bob')).statusCode, 429, 'failing address');
    assert.equal(
      (await loginFrom(limited, '10.2.0.1', 'bob', right('bob'))).statusCode,
      429,
      'a failing address gets no answer on the right password either',
    );
    assert.equal((await loginFrom(limited, '10.2.0.4', 'alice')).statusCode, 401, 'other user');
    assert.equal((await loginFrom(limited, '10.2.0.9', 'bob', right('bob'))).statusCode, 200);
  });

  test('is shared by every instance on the database', async () => {
    const first = await fixture.instance({ loginRateLimit: limit(100, 2, 100) });
    const second = await fixture.instance({ loginRateLimit: limit(100, 2, 100) });
    assert.equal((await loginFrom(first, '10.3.0.1', 'alice')).statusCode, 401);
    assert.equal((await loginFrom(second, '10.3.0.1', 'alice')).statusCode, 401);
    assert.equal((await loginFrom(first, '10.3.0.1', 'alice')).statusCode, 429);
    assert.equal((await loginFrom(second, '10.3.0.2', 'alice', right('alice'))).statusCode, 200);
  });

  test('keys on X-Forwarded-For only when TRUST_PROXY says so', async () => {
    const forwarded = (target: FastifyInstance, client: string) =>
      loginFrom(target, '10.9.9.9', `user-${client}`, 'wrong', {
        headers: { 'x-forwarded-for': client },
      });
    const proxied = await fixture.instance({
      loginRateLimit: limit(1, 100, 100),
      trustProxy: '10.9.9.9',
    });
    assert.equal((await forwarded(proxied, '203.0.113.1')).statusCode, 401);
    assert.equal((await forwarded(proxied, '203.0.113.2')).statusCode, 401, 'its own budget');
    assert.equal((await forwarded(proxied, '203.0.113.1')).statusCode, 429);
    await fixture.app.db.query('DELETE FROM login_attempts');
    const direct = await fixture.instance({ loginRateLimit: limit(1, 100, 100) });
    assert.equal((await forwarded(direct, '203.0.113.1')).statusCode, 401);
    assert.equal((await forwarded(direct, '203.0.113.2')).statusCode, 429, 'header ignored');
  });

  test('is off unless configured (test mode), and a bad body costs no attempt', async () => {
    for (let i = 0; i < 12; i++) {
      assert.equal((await loginFrom(fixture.app, '10.4.0.1', 'alice')).statusCode, 401);
    }
    const limited = await fixture.instance({ loginRateLimit: limit(1, 1, 1) });
    const bad = () => limited.inject({ method: 'POST', url: '/api/auth/login', payload: {} });
    assert.equal((await bad()).statusCode, 400);
    assert.equal((await bad()).statusCode, 400);
    assert.equal((await loginFrom(limited, '10.4.0.2', 'bob')).statusCode, 401);
  });

  test('failed and throttled logins are logged with the username, never the password', async () => {
    const lines: string[] = [];
    const logged = await fixture.instance({
      loginRateLimit: limit(100, 1, 100),
      logLevel: 'warn',
      logStream: { write: (line) => lines.push(line) },
    });
    const secret = 'correct horse battery staple';
    assert.equal((await loginFrom(logged, '10.5.0.1', 'bob', secret)).statusCode, 401);
    assert.equal((await loginFrom(logged, '10.5.0.1', 'bob', secret)).statusCode, 429);
    assert.ok(!lines.join('').includes(secret), 'a log line holds the password');
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const about = (msg: string) => entries.filter((entry) => entry['msg'] === msg);
    assert.deepEqual(
      about('login failed').map(({ username, remoteAddress }) => ({ username, remoteAddress })),
      [{ username: 'bob', remoteAddress: '10.5.0.1' }],
    );
    assert.deepEqual(
      about('login throttled').map(({ username, retryAfterSeconds }) => ({
        username,
        retryAfterSeconds,
      })),
      [{ username: 'bob', retryAfterSeconds: 60 }],
    );
  });
});
