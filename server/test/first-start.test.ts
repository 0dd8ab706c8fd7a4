/**
 * What a start on an empty database creates: nothing in production (it says how to create the
 * first user, and prints no password), the demo users and data in demo mode. And a production
 * start on a database that still has the demo's published passwords warns about them.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { after, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app';
import { FIRST_USER_HINT } from '../src/seed/start-notes';
import { setPassword } from '../src/store/accounts';
import { SMALL_SEED, TEST_DATABASE_URL, testStoreOptions, wipeTestDatabase } from './helpers';

const repoRoot = path.resolve(__dirname, '..', '..');
const DEMO_PASSWORDS = ['alice-demo-pass', 'bob-demo-pass'];

const opened: FastifyInstance[] = [];
after(async () => {
  // The first app owns the database the others borrow: close it last.
  for (const app of opened.reverse()) await app.close();
});

async function count(app: FastifyInstance, table: 'users' | 'records'): Promise<number> {
  const { rows } = await app.db.query<{ n: unknown }>(`SELECT count(*) AS n FROM ${table}`);
  return Number(rows[0]?.n);
}

/** Log lines as objects, and the raw text to search for secrets. */
function capture() {
  const lines: string[] = [];
  return {
    stream: { write: (line: string) => lines.push(line) },
    text: () => lines.join(''),
    messages: () => lines.map((line) => (JSON.parse(line) as { msg: string }).msg),
    clear: () => (lines.length = 0),
  };
}

describe('first start', () => {
  test('`npm run server` in production on an empty store: health answers, no user, no password printed', async () => {
    const storeEnv = TEST_DATABASE_URL
      ? { DATABASE_URL: TEST_DATABASE_URL, SYNC_DATA_DIR: '' }
      : { DATABASE_URL: '', SYNC_DATA_DIR: 'memory' };
    if (TEST_DATABASE_URL) await wipeTestDatabase(TEST_DATABASE_URL);
    const server = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
      cwd: repoRoot,
      env: {
        ...process.env,
        ...storeEnv,
        SYNC_SERVER_MODE: '',
        SYNC_DEMO: '',
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    // Every line until the process ends: what a start prints after listening counts too.
    const printed: string[] = [];
    const ended = new Promise((resolve) => server.once('exit', resolve));
    const listening = new Promise<string | undefined>((resolve) => {
      const lines = createInterface({ input: server.stdout });
      lines.on('line', (line) => {
        printed.push(line);
        const base = /listening on (http:\/\/[0-9.:]+)/.exec(line)?.[1];
        if (base) resolve(base);
      });
      lines.on('close', () => resolve(undefined));
    });
    try {
      const base = await listening;
      assert.ok(base, `the server never said where it listens:\n${printed.join('\n')}`);
      const health = await fetch(`${base}/api/health`);
      assert.equal(health.status, 200);
      const login = await fetch(`${base}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'alice', password: 'alice-demo-pass' }),
      });
      assert.equal(login.status, 401, 'no demo user');
    } finally {
      server.kill('SIGTERM');
      await ended;
    }
    const text = printed.join('\n');
    assert.ok(text.includes('npm run users -- add'), 'says how to create the first user');
    for (const secret of DEMO_PASSWORDS) assert.ok(!text.includes(secret), `prints ${secret}`);
    assert.doesNotMatch(text, /demo logins/);
  });

  test('production seeds nothing, demo mode seeds, and published demo passwords are warned of', async () => {
    const log = capture();
    const production = await buildApp({
      ...(await testStoreOptions()),
      staticDir: null,
      logLevel: 'info',
      logStream: log.stream,
    });
    opened.push(production);
    assert.deepEqual(
      [await count(production, 'users'), await count(production, 'records')],
      [0, 0],
    );
    assert.equal((await production.inject({ method: 'GET', url: '/api/health' })).statusCode, 200);
    assert.ok(log.messages().includes(FIRST_USER_HINT));
    for (const secret of DEMO_PASSWORDS) assert.ok(!log.text().includes(secret));

    log.clear();
    const demo = await buildApp({
      db: production.db,
      demo: true,
      seed: SMALL_SEED,
      staticDir: null,
      logLevel: 'info',
      logStream: log.stream,
    });
    opened.push(demo);
    assert.equal(await count(demo, 'users'), 2);
    assert.ok((await count(demo, 'records')) > 0, 'and their data');
    assert.ok(log.messages().some((msg) => msg.startsWith('demo mode: demo logins alice / ')));

    const restarted = async () => {
      log.clear();
      const app = await buildApp({
        db: production.db,
        staticDir: null,
        logLevel: 'info',
        logStream: log.stream,
      });
      opened.push(app);
      for (const secret of DEMO_PASSWORDS) assert.ok(!log.text().includes(secret));
      return log.messages().filter((msg) => msg.startsWith('users with a published'));
    };
    assert.deepEqual(await restarted(), [
      'users with a published demo password: alice, bob; change it (`npm run users -- passwd ' +
        '<username>`) or disable them (`npm run users -- disable <username>`)',
    ]);
    await setPassword(production.db, 'alice', 'not-the-demo-password');
    const [warning] = await restarted();
    assert.match(warning!, /^users with a published demo password: bob;/);
    assert.equal(await count(production, 'users'), 2, 'a production start adds nobody');
  });
});
