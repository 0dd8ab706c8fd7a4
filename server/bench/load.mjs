// Load figures for docs/deployment.md: one server instance (a child process, as in production)
// on 127.0.0.1 only, driven by autocannon for a bounded time per scenario:
//
//   no-op pull  every table at its latest checkpoint: auth + counter read + 4 index probes
//   small push  one new work order per request: auth + one write transaction
//
//   node server/bench/load.mjs                        # PGlite (in memory)
//   BENCH_DATABASE_URL=postgres://... node server/bench/load.mjs   # also PostgreSQL (WIPED)
//
// BENCH_SECONDS (default 10) and BENCH_CONNECTIONS (default 10) tune the runs.
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { freePort } from '../../scripts/free-port.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const seconds = Number(process.env.BENCH_SECONDS || 10);
const connections = Number(process.env.BENCH_CONNECTIONS || 10);
const TABLES = ['customers', 'products', 'workOrders', 'workOrderLines'];

async function startServer(env) {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
    cwd: root,
    // Demo mode: the load logs in as alice, with the demo data.
    env: {
      ...process.env,
      ...env,
      SYNC_DEMO: '1',
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i++) {
    const ready = await fetch(`${base}/api/health`).then(
      (response) => response.ok,
      // Not listening yet: keep polling until the deadline below.
      () => false,
    );
    if (ready) return { base, stop: () => stopServer(child) };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGTERM');
  throw new Error('the server did not become healthy within 60 s');
}

function stopServer(child) {
  return new Promise((resolve) => {
    child.once('exit', resolve);
    child.kill('SIGTERM');
  });
}

async function json(base, url, token, body) {
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

/** Pulls everything once, so the benchmark's pull body holds the latest checkpoints. */
async function latestCheckpoints(base, token) {
  let tables = TABLES.map((table) => ({ table, checkpoint: null }));
  for (;;) {
    const page = await json(base, '/api/sync/pull', token, { tables, limit: 5000 });
    tables = page.tables.map(({ table, checkpoint }) => ({ table, checkpoint }));
    if (!page.tables.some((result) => result.hasMore)) return tables;
  }
}

async function measure(title, options) {
  const result = await autocannon({ connections, duration: seconds, ...options });
  const failed = result.non2xx + result.errors + result.timeouts;
  return {
    scenario: title,
    'req/s': Math.round(result.requests.average),
    'p50 ms': result.latency.p50,
    'p99 ms': result.latency.p99,
    failed,
  };
}

async function run(store, env) {
  const server = await startServer(env);
  try {
    const { token } = await json(server.base, '/api/auth/login', undefined, {
      username: 'alice',
      password: 'alice-demo-pass',
    });
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
    const tables = await latestCheckpoints(server.base, token);
    const pull = await measure(`${store}: no-op pull`, {
      url: `${server.base}/api/sync/pull`,
      method: 'POST',
      headers,
      body: JSON.stringify({ tables }),
    });
    let n = 0;
    const push = await measure(`${store}: push of 1 change`, {
      url: `${server.base}/api/sync/push`,
      method: 'POST',
      headers,
      requests: [
        {
          setupRequest: (request) => {
            n += 1;
            const id = `bench-${process.pid}-${n}`;
            const data = { title: 'Bench', customerId: 'cus-000001', status: 'open' };
            const change = { table: 'workOrders', id, changeId: id, baseRev: null, deleted: false };
            return { ...request, body: JSON.stringify({ changes: [{ ...change, data }] }) };
          },
        },
      ],
    });
    return [pull, push];
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

const rows = [];
rows.push(...(await run('PGlite', { SYNC_DATA_DIR: 'memory', DATABASE_URL: '' })));
const url = process.env.BENCH_DATABASE_URL;
if (url) {
  await wipe(url);
  rows.push(...(await run('PostgreSQL', { DATABASE_URL: url })));
} else {
  console.info('PostgreSQL skipped: set BENCH_DATABASE_URL (a throwaway database, it is wiped)');
}
console.info(`\n${seconds} s per scenario, ${connections} connections, 127.0.0.1`);
console.table(rows);
