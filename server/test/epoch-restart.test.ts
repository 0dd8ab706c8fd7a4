/**
 * The epoch outlives restarts of the server on the same store, and the operator command
 * (`npm run epoch -- show | rotate`) works on the store the server is configured with: the
 * embedded one in SYNC_DATA_DIR, or PostgreSQL when this run of the suite is on it.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { buildApp, type AppOptions } from '../src/app';
import { epochCli } from '../src/epoch-cli';
import { createSession, findUserByUsername } from '../src/store/users';
import { call, pullOnce, TEST_DATABASE_URL, wipeTestDatabase } from './helpers';

const repoRoot = path.resolve(__dirname, '..', '..');

let dataDir: string | undefined;
let store: AppOptions;
/** What `npm run server` (and so `npm run epoch`) is configured with for this store. */
let storeEnv: Record<string, string>;

before(async () => {
  if (TEST_DATABASE_URL) {
    await wipeTestDatabase(TEST_DATABASE_URL);
    store = { databaseUrl: TEST_DATABASE_URL };
    storeEnv = { DATABASE_URL: TEST_DATABASE_URL };
  } else {
    dataDir = await mkdtemp(path.join(tmpdir(), 'field-sync-epoch-'));
    store = { dataDir };
    storeEnv = { SYNC_DATA_DIR: dataDir };
  }
});
after(async () => {
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** Starts the server on the store, reads the epoch its answers carry, and stops it again. */
async function epochAfterStart(): Promise<string> {
  // Not startTestApp: on PostgreSQL that wipes the database first, which is no restart.
  const app = await buildApp({
    ...store,
    demo: true,
    seed: { customers: 1, products: 0, workOrders: 0 },
    staticDir: null,
  });
  try {
    // A session straight in the store: a login's scrypt would only slow this file down.
    const alice = await findUserByUsername(app.db, 'alice');
    const { token } = await createSession(app.db, alice!.id, Date.now(), 60_000);
    const pulled = await pullOnce(app, token, { tables: [], limit: 1 });
    const records = await call<{ epoch: string }>(app, 'POST', '/api/sync/records', {
      token,
      body: { table: 'customers', ids: ['cus-000001'] },
    });
    assert.equal(records.body.epoch, pulled.epoch);
    return pulled.epoch;
  } finally {
    await app.close();
  }
}

/** The command in this process, with the environment `npm run server` would have. */
async function epochCommand(argv: string[], env: Record<string, string> = storeEnv) {
  const output = { code: 0, stdout: '', stderr: '' };
  output.code = await epochCli(argv, {
    env,
    repoRoot,
    out: (text) => (output.stdout += text),
    err: (text) => (output.stderr += text),
  });
  return output;
}

describe('epoch across restarts', () => {
  test('created at the first start, kept by restarts, rotated by the operator command', async () => {
    const first = await epochAfterStart();
    assert.equal(await epochAfterStart(), first, 'a restart keeps it');
    assert.deepEqual(await epochCommand(['show']), {
      code: 0,
      stdout: `${first}\n`,
      stderr: `epoch of ${TEST_DATABASE_URL ? 'PostgreSQL' : `the embedded store in ${dataDir}`}\n`,
    });
    const rotated = await epochCommand(['rotate']);
    assert.equal(rotated.code, 0);
    const epoch = rotated.stdout.trim();
    assert.notEqual(epoch, first);
    assert.match(rotated.stderr, new RegExp(`rotated \\(was ${first}\\)`));
    assert.equal(await epochAfterStart(), epoch, 'the next start answers the new epoch');
  });

  test('`npm run epoch -- show` runs the command on the configured store', async () => {
    const expected = await epochAfterStart();
    const { stdout } = await promisify(execFile)('npm', ['run', '-s', 'epoch', '--', 'show'], {
      cwd: repoRoot,
      env: { ...process.env, DATABASE_URL: '', SYNC_DATA_DIR: '', ...storeEnv },
    });
    assert.equal(stdout, `${expected}\n`);
  });

  test('a usage error, and an error when there is no store', async () => {
    for (const argv of [[], ['spin'], ['show', 'now']]) {
      const { code, stderr } = await epochCommand(argv);
      assert.equal(code, 2);
      assert.match(stderr, /^usage: npm run epoch -- show \| rotate/);
    }
    const missing = path.join(tmpdir(), 'field-sync-no-such-store');
    const none = await epochCommand(['show'], { SYNC_DATA_DIR: missing });
    assert.equal(none.code, 1);
    assert.equal(
      none.stderr,
      `epoch: no embedded store at ${missing}: set SYNC_DATA_DIR or DATABASE_URL\n`,
    );
  });
});
