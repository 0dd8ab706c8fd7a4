/**
 * Accounts an operator manages with `npm run users` (users-cli.ts, store/accounts.ts): the
 * commands on the store the app runs on, their refusals, and the real command on the store the
 * server is configured with (a fresh embedded directory, or this run's PostgreSQL).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app';
import { SESSION_CACHE_MS } from '../src/store/session-cache';
import { parseUsersArgs, runUsersCommand, usersCli, type UsersCliIo } from '../src/users-cli';
import { call, login, startTestApp, TEST_DATABASE_URL } from './helpers';

const repoRoot = path.resolve(__dirname, '..', '..');

let app: FastifyInstance;
let dataDir: string;
/** The app's clock: the session cache's delay (docs/protocol.md) passes when a test says so. */
let clock = Date.now();

before(async () => {
  app = await startTestApp({ seed: null, now: () => clock });
  dataDir = await mkdtemp(path.join(tmpdir(), 'field-sync-users-'));
});
after(async () => {
  await app.close();
  await rm(dataDir, { recursive: true, force: true });
});

/** What a command printed, and the questions it asked. */
interface Outcome {
  stdout: string;
  stderr: string;
  asked: string[];
}

/** An io whose prompt answers with `answers` in turn (and '' when they run out). */
function io(env: Record<string, string>, answers: string[] = []): UsersCliIo & Outcome {
  const outcome = { stdout: '', stderr: '', asked: [] as string[] };
  return Object.assign(outcome, {
    env,
    repoRoot,
    out: (text: string) => (outcome.stdout += text),
    err: (text: string) => (outcome.stderr += text),
    askPassword: async (prompt: string) => {
      outcome.asked.push(prompt);
      return answers.shift() ?? '';
    },
  });
}

/** One command on the app's own store, as the operator's command runs it after opening it. */
async function onApp(argv: string[], env: Record<string, string> = {}, answers: string[] = []) {
  const target = io(env, answers);
  await runUsersCommand(app.db, parseUsersArgs(argv), target);
  return target;
}

const loginStatus = async (username: string, password: string) =>
  (await call(app, 'POST', '/api/auth/login', { body: { username, password } })).status;

describe('npm run users, on the store the server runs on', () => {
  test('add takes the password from SYNC_USER_PASSWORD; the user logs in', async () => {
    const done = await onApp(['add', 'dana', '--name', 'Dana Diaz'], {
      SYNC_USER_PASSWORD: 'dana-long-password',
    });
    assert.deepEqual(done.asked, [], 'no prompt when the variable is set');
    assert.equal(done.stderr, 'user dana (Dana Diaz) created\n');
    const response = await call<{ user: { username: string; name: string } }>(
      app,
      'POST',
      '/api/auth/login',
      { body: { username: 'dana', password: 'dana-long-password' } },
    );
    assert.equal(response.status, 200);
    assert.deepEqual(response.body.user.name, 'Dana Diaz');
  });

  test('add prompts twice without the variable, and refuses two different answers', async () => {
    await assert.rejects(
      onApp(['add', 'erin', '--name', 'Erin E'], {}, ['erin-password-1', 'erin-password-2']),
      /the two passwords differ: nothing changed/,
    );
    assert.equal(await loginStatus('erin', 'erin-password-1'), 401, 'no user was created');
    const done = await onApp(['add', 'erin', '--name', 'Erin E'], {}, [
      'erin-password-1',
      'erin-password-1',
    ]);
    assert.deepEqual(done.asked, ['New password for erin: ', 'Type it again: ']);
    assert.equal(await loginStatus('erin', 'erin-password-1'), 200);
  });

  test('refuses a duplicate, a bad username, a bad name, a short or missing password', async () => {
    const password = { SYNC_USER_PASSWORD: 'long-enough-password' };
    const refusals: [string[], Record<string, string>, RegExp][] = [
      [['add', 'alice', '--name', 'Alice Again'], password, /user "alice" already exists/],
      [['add', 'Carol', '--name', 'C'], password, /bad username "Carol"/],
      [['add', 'a b', '--name', 'C'], password, /bad username "a b"/],
      [['add', 'x', '--name', 'C'], password, /bad username "x"/],
      [['add', 'carol', '--name', ' '], password, /bad name " "/],
      [['add', 'carol', '--name', 'C\u0007'], password, /bad name/],
      [['add', 'carol', '--name', 'C'], { SYNC_USER_PASSWORD: 'short-pass1' }, /at least 12/],
      [['add', 'carol', '--name', 'C'], {}, /no password given/],
      [['passwd', 'nobody'], password, /no user "nobody"/],
      [['disable', 'nobody'], {}, /no user "nobody"/],
    ];
    for (const [argv, env, expected] of refusals) {
      await assert.rejects(onApp(argv, env), expected, argv.join(' '));
    }
    // 12 characters as a person counts them: an emoji is one.
    await assert.rejects(
      onApp(['add', 'carol', '--name', 'C'], { SYNC_USER_PASSWORD: '🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑' }),
      /at least 12/,
    );
    const { rows } = await app.db.query("SELECT 1 FROM users WHERE username = 'carol'");
    assert.equal(rows.length, 0);
  });

  test('passwd sets a new password and ends the sessions of the old one', async () => {
    const session = await login(app, 'alice');
    const done = await onApp(['passwd', 'alice'], { SYNC_USER_PASSWORD: 'alice-new-password' });
    assert.equal(done.stderr, 'password of alice set; 1 session(s) ended\n');
    assert.equal(
      (await call(app, 'GET', '/api/sync/manifest', { token: session.token })).status,
      401,
    );
    assert.equal(await loginStatus('alice', 'alice-demo-pass'), 401);
    assert.equal(await loginStatus('alice', 'alice-new-password'), 200);
  });

  test('disable: the tokens answer 401 once the session cache has checked again, the right password is refused at once', async () => {
    const first = await login(app, 'bob');
    const second = await login(app, 'bob');
    const manifest = (token: string) => call(app, 'GET', '/api/sync/manifest', { token });
    assert.equal((await manifest(first.token)).status, 200);
    const done = await onApp(['disable', 'bob']);
    assert.equal(done.stderr, 'bob disabled; 2 session(s) ended\n');
    // This instance checked `first` a moment ago: it may serve it from its cache until then.
    clock += SESSION_CACHE_MS;
    for (const { token } of [first, second]) {
      assert.equal((await manifest(token)).status, 401);
    }
    const refused = await call(app, 'POST', '/api/auth/login', {
      body: { username: 'bob', password: 'bob-demo-pass' },
    });
    assert.equal(refused.status, 401);
    assert.equal(
      (refused.body as { message: string }).message,
      'unknown username or wrong password',
      'the same answer as a wrong password',
    );
    // A session that reached the store some other way is refused too.
    await app.db.query('UPDATE sessions SET revoked = false');
    assert.equal((await manifest(first.token)).status, 401);
  });

  test('list: username, name, disabled, created; never a hash', async () => {
    const { stdout } = await onApp(['list']);
    const [header, ...rows] = stdout.trimEnd().split('\n');
    assert.match(header!, /^username +name +disabled +created$/);
    const byName = new Map(rows.map((row) => [row.split(/ +/)[0], row]));
    assert.match(byName.get('bob')!, /^bob +Bob Berg +yes +\d{4}-\d\d-\d\dT[\d:.]+Z$/);
    assert.match(byName.get('dana')!, /^dana +Dana Diaz +no +/);
    assert.doesNotMatch(stdout, /scrypt|\$/);
  });
});

describe('the command itself', () => {
  /** The environment `npm run server` would have for a store. */
  const storeEnv = (): Record<string, string> =>
    TEST_DATABASE_URL
      ? { DATABASE_URL: TEST_DATABASE_URL, SYNC_DATA_DIR: '' }
      : { DATABASE_URL: '', SYNC_DATA_DIR: path.join(dataDir, 'store') };

  test('usage errors exit 2 with the usage', async () => {
    for (const argv of [
      [],
      ['frob'],
      ['add'],
      ['add', 'carol'],
      ['add', 'carol', '--name'],
      ['add', 'carol', '--name', 'C', '--admin'],
      ['passwd'],
      ['disable', 'a', 'b'],
      ['list', 'all'],
      ['list', '--name', 'x'],
    ]) {
      const target = io({});
      assert.equal(await usersCli(argv, target), 2, argv.join(' '));
      assert.match(
        target.stderr,
        /^users: .+\n\nusage: npm run users -- <command>/,
        argv.join(' '),
      );
    }
  });

  test('an error, exit 1, when there is no store to list', async () => {
    const missing = path.join(dataDir, 'no-such-store');
    const target = io({ SYNC_DATA_DIR: missing });
    assert.equal(await usersCli(['list'], target), 1);
    assert.equal(
      target.stderr,
      `users: no embedded store at ${missing}: set SYNC_DATA_DIR or DATABASE_URL\n`,
    );
  });

  test('`npm run users` adds a first user (creating the embedded store), and refuses a duplicate', async () => {
    const run = promisify(execFile);
    const env = { ...process.env, ...storeEnv(), SYNC_USER_PASSWORD: 'greta-password-1' };
    const users = (args: string[], extra: Record<string, string> = {}) =>
      run('npm', ['run', '-s', 'users', '--', ...args], {
        cwd: repoRoot,
        env: { ...env, ...extra },
      });
    const added = await users(['add', 'greta', '--name', 'Greta Grün']);
    assert.equal(added.stderr, 'user greta (Greta Grün) created\n');
    // In this process: the command's wiring is shown above, and a spawn costs seconds.
    const listed = io(storeEnv());
    assert.equal(await usersCli(['list'], listed), 0);
    assert.match(listed.stdout, /^greta +Greta Grün +no +\d{4}-/m);
    await assert.rejects(users(['add', 'greta', '--name', 'Greta']), (error: unknown) => {
      const failed = error as { code: number; stderr: string };
      assert.equal(failed.code, 1);
      assert.equal(failed.stderr, 'users: user "greta" already exists\n');
      return true;
    });
    // The server on that store: greta logs in with the password the command was given.
    const server = await buildApp({
      ...(TEST_DATABASE_URL
        ? { databaseUrl: TEST_DATABASE_URL }
        : { dataDir: storeEnv()['SYNC_DATA_DIR'] }),
      staticDir: null,
    });
    try {
      const response = await server.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: 'greta', password: 'greta-password-1' },
      });
      assert.equal(response.statusCode, 200);
    } finally {
      await server.close();
    }
  });
});
