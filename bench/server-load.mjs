// The server part of `npm run bench` (also alone: `npm run bench -- --only server`): how close a
// sync with nothing to do comes to the HTTP floor of the same server.
//
// Per store, one production server (`server/src/main.ts`, as `npm run server` starts it, demo
// data), driven by autocannon from this process on 127.0.0.1 with the same connections and
// duration for both routes:
//
//   floor   GET /api/auth/me: authentication (a cached session) and nothing else
//   no-op   POST /api/sync/pull of every table at its latest checkpoint: the same authentication
//           plus the user's counter, from memory while cached, else one indexed query
//           (docs/protocol.md, "A pull with nothing to do")
//
// The two alternate (floor first in odd rotations, no-op first in even ones), BENCH_ROTATIONS
// times (default 3), so a slow spell of this shared machine hits both; per rotation the ratio
// no-op ÷ floor, and the median rotation is kept. Stores: the embedded PGlite (in memory, in its
// worker thread) and PostgreSQL when BENCH_DATABASE_URL or TEST_DATABASE_URL names a THROWAWAY
// database (`eval "$(bash .ci/postgres.sh)"` starts one): it is wiped first.
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { freePort } from '../scripts/free-port.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TABLES = ['customers', 'products', 'workOrders', 'workOrderLines'];
const USER = { username: 'alice', password: 'alice-demo-pass' };

async function startServer(env) {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
    cwd: root,
    env: {
      ...process.env,
      // Production mode with the demo users (SYNC_DEMO is how a production store gets them).
      SYNC_SERVER_MODE: '',
      SYNC_DEMO: '1',
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', resolve);
      child.kill('SIGTERM');
    });
  for (let i = 0; i < 1200; i++) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}`);
    const ready = await fetch(`${base}/api/health`).then(
      (response) => response.ok,
      // Not listening yet: keep polling until the deadline below.
      () => false,
    );
    if (ready) return { base, stop };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop();
  throw new Error('the server did not become healthy within 120 s');
}

async function post(base, url, body, token) {
  const response = await fetch(`${base}${url}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
  return response.json();
}

/** Pulls everything once: the pull body that then has nothing to do. */
async function noopBody(base, token) {
  let tables = TABLES.map((table) => ({ table, checkpoint: null }));
  for (;;) {
    const page = await post(base, '/api/sync/pull', { tables, limit: 5000 }, token);
    tables = page.tables.map(({ table, checkpoint }) => ({ table, checkpoint }));
    if (!page.tables.some((result) => result.hasMore)) return JSON.stringify({ tables });
  }
}

async function load(options, connections, seconds) {
  const result = await autocannon({ connections, duration: seconds, ...options });
  return {
    requestsPerSec: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    failed: result.non2xx + result.errors + result.timeouts,
  };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function measureStore(store, env, { rotations, seconds, connections, log }) {
  const server = await startServer(env);
  try {
    const { token } = await post(server.base, '/api/auth/login', USER);
    const authorization = `Bearer ${token}`;
    const routes = {
      floor: { url: `${server.base}/api/auth/me`, method: 'GET', headers: { authorization } },
      noop: {
        url: `${server.base}/api/sync/pull`,
        method: 'POST',
        headers: { authorization, 'content-type': 'application/json' },
        body: await noopBody(server.base, token),
      },
    };
    const runs = [];
    for (let r = 0; r < rotations; r++) {
      const order = r % 2 === 0 ? ['floor', 'noop'] : ['noop', 'floor'];
      const run = {};
      for (const kind of order) run[kind] = await load(routes[kind], connections, seconds);
      run.ratio = Number((run.noop.requestsPerSec / run.floor.requestsPerSec).toFixed(3));
      log(
        `${store} rotation ${r + 1}: floor ${run.floor.requestsPerSec}/s p99 ${run.floor.p99Ms} ms, ` +
          `no-op ${run.noop.requestsPerSec}/s p99 ${run.noop.p99Ms} ms, ratio ${run.ratio}`,
      );
      runs.push(run);
    }
    const kept = runs.find((run) => run.ratio === median(runs.map((each) => each.ratio)));
    return { store, connections, seconds, ...kept, rotations: runs };
  } finally {
    await server.stop();
  }
}

async function wipe(url) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('DROP SCHEMA public CASCADE');
    await client.query('CREATE SCHEMA public');
  } finally {
    await client.end();
  }
}

/** Both stores (PostgreSQL only with a throwaway database); the median rotation of each. */
export async function measureServerLoad({
  rotations = 3,
  seconds = 10,
  connections = 50,
  log = console.log,
} = {}) {
  const settings = { rotations, seconds, connections, log };
  const embedded = await measureStore(
    'embedded',
    { DATABASE_URL: '', SYNC_DATA_DIR: 'memory' },
    settings,
  );
  const url = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL;
  let postgres = null;
  if (url) {
    await wipe(url);
    postgres = await measureStore('postgres', { DATABASE_URL: url }, settings);
  } else {
    log('PostgreSQL skipped: set BENCH_DATABASE_URL or TEST_DATABASE_URL (a throwaway database)');
  }
  return { embedded, postgres };
}

/** The figures bench/results.json carries at its top level, and their targets. */
export function serverFigures({ embedded, postgres }) {
  const figures = {
    serverNoopToFloorRatio: postgres?.ratio ?? null,
    serverNoopPerSec: postgres?.noop.requestsPerSec ?? null,
    serverP99Ms: postgres?.noop.p99Ms ?? null,
    serverFloorPerSec: postgres?.floor.requestsPerSec ?? null,
    serverFloorP99Ms: postgres?.floor.p99Ms ?? null,
    serverNoopToFloorRatioEmbedded: embedded.ratio,
    serverNoopPerSecEmbedded: embedded.noop.requestsPerSec,
    serverP99MsEmbedded: embedded.noop.p99Ms,
    serverFloorPerSecEmbedded: embedded.floor.requestsPerSec,
    serverFloorP99MsEmbedded: embedded.floor.p99Ms,
  };
  const targets = {
    serverNoopToFloor: {
      target: 'PostgreSQL: no-op pulls/s ÷ floor/s >= 0.5',
      met: figures.serverNoopToFloorRatio !== null && figures.serverNoopToFloorRatio >= 0.5,
    },
    serverP99: {
      target: 'PostgreSQL: no-op p99 < 25 ms at 50 connections',
      met: figures.serverP99Ms !== null && figures.serverP99Ms < 25,
    },
  };
  return { figures, targets };
}
