// `npm run bench`: the initial sync measured against the browser's raw IndexedDB ceiling, RxDB's
// storage ceiling and RxDB's own replication, all in one run on this machine (docs/performance.md).
//
//   1. builds the app (production) into bench/artifacts/app if a source is newer than that build
//      (BENCH_SKIP_BUILD=1 reuses it as is);
//   2. bundles the bench page (bench/page/bench-page.ts) with esbuild;
//   3. starts the real server in test mode on 127.0.0.1 (bench/server.ts), seeded with
//      BENCH_RECORDS (default 100,000) records of about 0.5 KB for "alice" and BENCH_SMALL
//      (default 10,000) for "bob";
//   4. per data set, in fresh Chromium profiles (on disk, like a real device): the app's initial
//      sync (engine), raw IndexedDB (limit), RxDB bulkUpsert (ceiling), RxDB replication (peer);
//      the longest main-thread task, the JS heap after GC, the round trips of a no-op sync;
//   5. the server under load (bench/server-load.mjs): no-op pulls against the HTTP floor of the
//      same server, 50 connections, on the embedded store and on PostgreSQL;
//   6. writes bench/results.json and docs/images/performance.png.
//
// BENCH_REPEATS (default 3) repeats each browser measurement of the large set, in rotation, and
// keeps the median. `npm run bench -- --only server` (or BENCH_ONLY=server) runs step 5 alone and
// updates only its figures in bench/results.json; BENCH_SKIP_SERVER=1 skips it and keeps them.
// Benchmarks are not part of `npm test`: nothing here asserts a time.
import { spawn, spawnSync } from 'node:child_process';
import {
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
  mkdirSync,
} from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM_FLAGS } from '../scripts/chromium-flags.cjs';
import { renderChart } from './chart.mjs';
import { measureServerLoad, serverFigures } from './server-load.mjs';
import { freePort } from '../scripts/free-port.mjs';
import {
  printSummary,
  round,
  serverTargets,
  summarise,
  targetLines,
  writeReport,
} from './results.mjs';
import { firstScreenMs, heapAfterGc, instrument, longestTaskProbeMs } from './probes.mjs';
import { saveTrace, startTrace } from './trace.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const LARGE = Number(process.env.BENCH_RECORDS || 100_000);
const SMALL = Number(process.env.BENCH_SMALL || 10_000);
const MEDIUM = Number(process.env.BENCH_MEDIUM || 20_000);
const REPEATS = Number(process.env.BENCH_REPEATS || 3);
const onlyArg = process.argv.indexOf('--only');
const ONLY = (
  (onlyArg >= 0 ? process.argv[onlyArg + 1] : process.env.BENCH_ONLY) ||
  'engine,engineCore,limit,ceiling,peer'
).split(',');
const SERVER_ONLY = ONLY.length === 1 && ONLY[0] === 'server';
const LOAD_SECONDS = Number(process.env.BENCH_LOAD_SECONDS || 10);
const ROTATIONS = Number(process.env.BENCH_ROTATIONS || 3);
const USERS = {
  small: { username: 'bob', password: 'bob-demo-pass', records: SMALL },
  large: { username: 'alice', password: 'alice-demo-pass', records: LARGE },
  // Created by bench/server.ts (password `<username>-bench-pass`); 0 leaves the set out.
  medium: { username: 'carol', password: 'carol-bench-pass', records: MEDIUM },
};
const CHROMIUM_ARGS = [
  ...CHROMIUM_FLAGS,
  // performance.memory in bytes rather than coarse buckets.
  '--enable-precise-memory-info',
];
// Its own production build, so a bench never clobbers (or reads a dev build in) the shared dist/.
const APP_OUT = path.join(root, 'bench/artifacts/app');
const DIST = path.join(APP_OUT, 'browser');
const ARTIFACTS = path.join(root, 'bench/artifacts');
const REPORT = path.join(root, 'docs/performance.md');

const log = (...args) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...args);

// --- build -------------------------------------------------------------------------------------

function newestMtime(dir, skip = () => false) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (skip(full)) continue;
    const time = entry.isDirectory() ? newestMtime(full, skip) : statSync(full).mtimeMs;
    newest = Math.max(newest, time);
  }
  return newest;
}

function buildAppIfNeeded() {
  const index = path.join(DIST, 'index.html');
  let built = 0;
  try {
    built = statSync(index).mtimeMs;
  } catch {
    built = 0;
  }
  const sources = Math.max(
    newestMtime(path.join(root, 'src'), (file) => file.endsWith('.spec.ts')),
    newestMtime(path.join(root, 'contract')),
    statSync(path.join(root, 'angular.json')).mtimeMs,
  );
  if (process.env.BENCH_SKIP_BUILD && built) return log('reusing the build (BENCH_SKIP_BUILD)');
  if (built >= sources) return log('the production build is up to date: reusing it');
  log('building the app (ng build, production) into bench/artifacts/app…');
  const build = spawnSync(
    'npx',
    ['ng', 'build', '--configuration', 'production', '--output-path', APP_OUT],
    { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  if (build.status !== 0) throw new Error('ng build failed');
}

async function bundleBenchPage() {
  const esbuild = await import('esbuild');
  const out = path.join(ARTIFACTS, 'page');
  mkdirSync(out, { recursive: true });
  await esbuild.build({
    entryPoints: {
      bench: path.join(root, 'bench/page/bench-page.ts'),
      'core-worker': path.join(root, 'bench/page/core-worker.ts'),
    },
    outdir: out,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'warning',
  });
  writeFileSync(
    path.join(out, 'index.html'),
    '<!doctype html><meta charset="utf-8"><title>bench</title><script type="module" src="/__bench/bench.js"></script>',
  );
  return out;
}

// --- server ------------------------------------------------------------------------------------

async function startServer() {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/server.ts'], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      LOG_LEVEL: 'warn',
      STATIC_DIR: DIST,
      BENCH_USERS: Object.values(USERS)
        .filter((user) => user.records > 0)
        .map((user) => `${user.username}:${user.records}`)
        .join(','),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ready = await new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => reject(new Error('bench server not ready in 240 s')), 240_000);
    child.stdout.on('data', (chunk) => {
      buffer += chunk;
      const line = buffer.split('\n').find((l) => l.startsWith('BENCH_SERVER_READY '));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line.slice('BENCH_SERVER_READY '.length)));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`bench server exited with ${code}`));
    });
  });
  child.stdout.resume();
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', resolve);
      child.kill('SIGTERM');
    });
  return { base: `http://127.0.0.1:${port}`, ready, stop };
}

async function api(base, method, url, body, token) {
  const response = await fetch(`${base}${url}`, {
    method,
    headers: {
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok)
    throw new Error(`${method} ${url}: ${response.status} ${await response.text()}`);
  return response.status === 204 ? null : response.json();
}

// --- browser -----------------------------------------------------------------------------------

/** A fresh on-disk profile (a real device's IndexedDB is on disk) with the bench page routed. */
async function freshPage(base, pageDir) {
  const profile = mkdtempSync(path.join(tmpdir(), 'field-sync-bench-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    baseURL: base,
    viewport: { width: 1280, height: 800 },
    ...(process.env.BENCH_REDUCED_MOTION ? { reducedMotion: 'reduce' } : {}),
  });
  await context.route(`${base}/__bench/**`, (route) => {
    const name = new URL(route.request().url()).pathname.replace('/__bench/', '') || 'index.html';
    const file = path.join(pageDir, path.basename(name));
    route.fulfill({
      body: readFileSync(file),
      contentType: file.endsWith('.js') ? 'text/javascript' : 'text/html',
    });
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const close = async () => {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  };
  return { context, page, close };
}

/** Journal entries of one user since the last clear. */
async function journalOf(base, username) {
  const entries = await api(base, 'GET', '/api/test/requests');
  return entries.filter((entry) => entry.username === username);
}

async function quietJournal(base, username, quietMs = 1500, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  let last = -1;
  let stableSince = Date.now();
  for (;;) {
    const entries = await journalOf(base, username);
    if (entries.length !== last) {
      last = entries.length;
      stableSince = Date.now();
    } else if (Date.now() - stableSince >= quietMs) return entries;
    if (Date.now() > deadline) return entries;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** BENCH_PROFILE=1: a CPU profile of the app's initial sync, for `node bench/profile.mjs`. */
const PROFILE = process.env.BENCH_PROFILE === '1';
/** BENCH_TRACE=1: a performance trace of the same span, for `node bench/trace.mjs`. */
const TRACE = process.env.BENCH_TRACE === '1';

async function startProfile(context, page) {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
  await cdp.send('Profiler.start');
  return cdp;
}

async function saveTraceAs(cdp, name) {
  const file = path.join(ARTIFACTS, `${name}.trace.json`);
  await saveTrace(cdp, file);
  log(`trace written: ${path.relative(root, file)}`);
}

async function saveProfile(cdp, name) {
  const { profile } = await cdp.send('Profiler.stop');
  await cdp.detach();
  const file = path.join(ARTIFACTS, `${name}.cpuprofile`);
  writeFileSync(file, JSON.stringify(profile));
  log(`CPU profile written: ${path.relative(root, file)}`);
}

/**
 * Where the app's initial sync spends its time, from the server's journal (same clock): from the
 * login click to the first sync request (login, lazy chunks, opening the database), the sync
 * requests themselves, and from the last answer to the dialog closing.
 */
function phasesOf(journal, clickedAt, closedAt) {
  const sync = journal.filter((entry) => entry.path.startsWith('/api/sync/'));
  if (sync.length === 0) return null;
  const first = Math.min(...sync.map((entry) => entry.startedAt));
  const last = Math.max(...sync.map((entry) => entry.endedAt));
  return {
    beforeFirstRequestMs: Math.round(first - clickedAt),
    syncingMs: Math.round(last - first),
    afterLastAnswerMs: Math.round(closedAt - last),
    // The server shares the machine's cores with the browser here: its time answering the sync
    // requests is time the browser's writes could not have on a machine of their own.
    serverMs: Math.round(sync.reduce((sum, entry) => sum + entry.endedAt - entry.startedAt, 0)),
  };
}

async function measureEngine(base, pageDir, user, totals) {
  const { context, page, close } = await freshPage(base, pageDir);
  try {
    const loadedScripts = [];
    page.on('response', (response) => {
      if (response.url().endsWith('.js')) loadedScripts.push(new URL(response.url()).pathname);
    });
    await page.addInitScript(instrument);
    await page.goto('/login');
    await page.getByLabel('Username').fill(user.username);
    await page.getByLabel('Password').fill(user.password);
    await api(base, 'DELETE', '/api/test/requests');
    const profiler = PROFILE ? await startProfile(context, page) : null;
    const tracer = TRACE ? await startTrace(context, page) : null;
    const startedAt = await page.evaluate(() => performance.now());
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForFunction(() => window.__bench.gateClosedAt !== null, null, {
      timeout: 600_000,
      polling: 100,
    });
    if (profiler) await saveProfile(profiler, `engine-${user.records}`);
    if (tracer) await saveTraceAs(tracer, `engine-${user.records}`);
    const state = await page.evaluate(() => window.__bench);
    const timeOrigin = await page.evaluate(() => performance.timeOrigin);
    const ms = state.gateClosedAt - startedAt;
    const during = state.longTasks.filter(
      (task) => task.start + task.duration >= startedAt && task.start <= state.gateClosedAt,
    );
    const longestTaskMs = Math.max(0, ...during.map((task) => task.duration));
    const initialRequests = await journalOf(base, user.username);
    const pulls = initialRequests.filter((entry) => entry.path === '/api/sync/pull').length;
    const phases = phasesOf(
      initialRequests,
      timeOrigin + startedAt,
      timeOrigin + state.gateClosedAt,
    );

    // No-op sync: once the app is idle (cooldown and any held run over), one manual sync.
    await page.getByRole('button', { name: 'Sync status: synced' }).waitFor({ timeout: 60_000 });
    await page.waitForTimeout(6_000); // the gate's cooldown (5 s) holds regular runs
    await quietJournal(base, user.username);
    await page.getByRole('button', { name: 'Sync status: synced' }).waitFor({ timeout: 60_000 });
    await api(base, 'DELETE', '/api/test/requests');
    await page.getByRole('button', { name: 'Sync status: synced' }).click();
    const noop = await quietJournal(base, user.username);
    await page.getByRole('button', { name: 'Sync status: synced' }).waitFor({ timeout: 60_000 });

    const heapMB = await heapAfterGc(context, page);
    const firstScreen = await firstScreenMs(page);
    const probeMs = await longestTaskProbeMs(page);
    const validatorChunks = loadedScripts.filter((script) => {
      const file = path.join(DIST, path.basename(script));
      try {
        // ajv's own code, or RxDB's dev-mode plugin: neither belongs in a production session.
        return /allErrors|ensureCollectionNameValid/.test(readFileSync(file, 'utf8'));
      } catch {
        return false;
      }
    });
    return {
      records: totals,
      ms,
      recordsPerSec: totals / (ms / 1000),
      gateOpenedAfterMs: state.gateOpenedAt - startedAt,
      longestTaskMs,
      longTasksOver50: during.filter((task) => task.duration > 50).length,
      pullRequests: pulls,
      requests: initialRequests.length,
      noopRoundTrips: noop.length,
      noopPaths: noop.map((entry) => entry.path),
      heapMB,
      phases,
      firstScreenMs: firstScreen,
      longestTaskProbeMs: probeMs,
      validatorChunksLoaded: validatorChunks,
    };
  } finally {
    await close();
  }
}

async function measureBenchPage(base, pageDir, kind, user, pageSize) {
  const { context, page, close } = await freshPage(base, pageDir);
  try {
    await page.addInitScript(instrument);
    await page.goto('/__bench/index.html');
    await page.waitForFunction(() => window.bench !== undefined);
    // The engine core's profile, to hold against the app's (the same pull phase without the app).
    const profiler = PROFILE && kind === 'engineCore' ? await startProfile(context, page) : null;
    const tracer = TRACE && kind === 'engineCore' ? await startTrace(context, page) : null;
    const result = await page.evaluate(
      ([k, u, p, s]) => window.bench[k](u, p, s),
      [kind, user.username, user.password, pageSize],
    );
    if (profiler) await saveProfile(profiler, `${kind}-${user.records}`);
    if (tracer) await saveTraceAs(tracer, `${kind}-${user.records}`);
    const longTasks = await page.evaluate(() => window.__bench.longTasks);
    const end = result.startedAt + result.ms;
    const during = longTasks.filter(
      (t) => t.start + t.duration >= result.startedAt && t.start <= end,
    );
    return {
      ...result,
      recordsPerSec: result.records / (result.ms / 1000),
      longestTaskMs: Math.max(0, ...during.map((task) => task.duration)),
    };
  } finally {
    await close();
  }
}

// --- main --------------------------------------------------------------------------------------

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function medianRun(runs) {
  if (runs.length === 0) return null;
  const mid = median(runs.map((run) => run.recordsPerSec));
  return {
    ...runs.find((run) => run.recordsPerSec === mid),
    repeats: runs.map((r) => r.recordsPerSec),
  };
}

async function main() {
  const started = Date.now();
  const loadAtStart = round(loadavg()[0], 1);
  buildAppIfNeeded();
  const pageDir = await bundleBenchPage();
  const tokens = readFileSync(path.join(root, 'src/app/sync/sync.tokens.ts'), 'utf8');
  const pageSize = Number(/pullPageSize:\s*([\d_]+)/.exec(tokens)[1].replaceAll('_', ''));
  log(`page size ${pageSize}; starting the server (seeding ${LARGE} + ${SMALL} records)…`);
  const server = await startServer();
  const { base } = server;
  log(`server ready at ${base} after ${server.ready.seedMs} ms`);
  const totals = Object.fromEntries(
    Object.entries(server.ready.seeded).map(([username, tables]) => [
      username,
      Object.values(tables).reduce((sum, table) => sum + table.count, 0),
    ]),
  );
  const avgRecordBytes = await recordBytes(base, USERS.large);
  log(`records: ${JSON.stringify(totals)}; ~${avgRecordBytes} bytes per record on the wire`);

  const runs = {};
  try {
    for (const [size, repeats] of [
      ['small', 1],
      ...(MEDIUM > 0 ? [['medium', REPEATS]] : []),
      ['large', REPEATS],
    ]) {
      const user = USERS[size];
      const total = totals[user.username];
      const collected = Object.fromEntries(ONLY.map((kind) => [kind, []]));
      for (let r = 0; r < repeats; r++) {
        // Rotated per repeat, so a slow spell of this shared machine doesn't hit one kind only.
        const order = ONLY.map((_, i) => ONLY[(i + r) % ONLY.length]);
        for (const kind of order) {
          const result =
            kind === 'engine'
              ? await measureEngine(base, pageDir, user, total)
              : await measureBenchPage(base, pageDir, kind, user, pageSize);
          if (result.records !== total) {
            throw new Error(`${kind} (${size}) wrote ${result.records} records of ${total}`);
          }
          log(
            `${size} ${kind}: ${Math.round(result.recordsPerSec)} records/s (${Math.round(result.ms)} ms)` +
              (kind === 'engine'
                ? `, longest task ${Math.round(result.longestTaskMs)} ms, heap ${result.heapMB.toFixed(1)} MB, ` +
                  `${result.pullRequests} pulls, no-op sync ${result.noopRoundTrips} round trip(s), ` +
                  `first row ${Math.round(result.firstScreenMs)} ms, probe ${Math.round(result.longestTaskProbeMs)} ms, ` +
                  `phases ${JSON.stringify(result.phases)}`
                : `, ${result.requests} requests, longest task ${Math.round(result.longestTaskMs)} ms`),
          );
          collected[kind].push(result);
        }
      }
      runs[size] = {
        records: total,
        ...Object.fromEntries(Object.entries(collected).map(([k, v]) => [k, medianRun(v)])),
      };
    }
  } catch (error) {
    await server.stop();
    throw error;
  }

  await server.stop();
  const load = process.env.BENCH_SKIP_SERVER ? previousServerLoad() : await serverLoadFigures();

  const setup = {
    date: new Date().toISOString(),
    records: {
      large: runs.large.records,
      medium: runs.medium?.records ?? null,
      small: runs.small.records,
    },
    seeded: server.ready.seeded,
    avgRecordBytesOnWire: avgRecordBytes,
    pullPageSize: pageSize,
    repeats: REPEATS,
    cpus: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`,
    // The machine is shared: how busy it was when the run began and ended (1-minute averages).
    loadAverage: { start: loadAtStart, end: round(loadavg()[0], 1) },
    node: process.version,
    chromium: await chromiumVersion(),
    appTree: appTree(),
    schemaValidationLoaded: (runs.large.engine?.validatorChunksLoaded?.length ?? 0) > 0,
    storage: 'RxDB 17 Dexie (IndexedDB), fresh on-disk Chromium profile per measurement',
    server: 'bench/server.ts: real server, test mode, PGlite in memory, 127.0.0.1',
    benchSeconds: null,
  };
  const results = summarise({ runs, load, setup });
  results.setup.benchSeconds = Math.round((Date.now() - started) / 1000);
  writeFileSync(path.join(root, 'bench/results.json'), `${JSON.stringify(results, null, 2)}\n`);
  await renderChart(results, path.join(root, 'docs/images/performance.png'), CHROMIUM_ARGS);
  await writeReport(results, REPORT);
  printSummary(results, serverRows);
}

/** Which app was measured: the commit, and whether sources differ from it. */
function appTree() {
  if (process.env.BENCH_TREE) return process.env.BENCH_TREE;
  const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' });
  if (head.status !== 0) return 'unknown (not a git checkout)';
  const dirty = spawnSync('git', ['status', '--porcelain', '--', 'src', 'contract', 'server'], {
    cwd: root,
    encoding: 'utf8',
  });
  const changed = dirty.stdout.split('\n').filter(Boolean).length;
  return `${head.stdout.trim()}${changed ? ` + ${changed} uncommitted source files` : ''}`;
}

async function chromiumVersion() {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  });
  const version = browser.version();
  await browser.close();
  return version;
}

async function recordBytes(base, user) {
  const { token } = await api(base, 'POST', '/api/auth/login', {
    username: user.username,
    password: user.password,
  });
  const tables = ['customers', 'products', 'workOrders', 'workOrderLines'];
  let bytes = 0;
  let count = 0;
  for (const table of tables) {
    const page = await api(
      base,
      'POST',
      '/api/sync/pull',
      { tables: [{ table, checkpoint: null }], limit: 500 },
      token,
    );
    for (const record of page.tables[0].records) {
      bytes += JSON.stringify(record).length;
      count++;
    }
  }
  await api(base, 'POST', '/api/auth/logout', undefined, token).catch(() => undefined);
  return Math.round(bytes / count);
}

/** Step 5: both stores, BENCH_ROTATIONS rotations of floor and no-op each. */
async function serverLoadFigures() {
  log(`server load: no-op pull vs GET /api/auth/me, 50 connections, ${LOAD_SECONDS} s each…`);
  const runs = await measureServerLoad({ rotations: ROTATIONS, seconds: LOAD_SECONDS, log });
  return { runs, ...serverFigures(runs) };
}

/** BENCH_SKIP_SERVER=1: the server figures of the last run, kept as they are. */
function previousServerLoad() {
  const previous = JSON.parse(readFileSync(path.join(root, 'bench/results.json'), 'utf8'));
  const pick = (object, keep) =>
    Object.fromEntries(Object.entries(object ?? {}).filter(([key]) => keep(key)));
  return {
    runs: previous.serverLoad,
    figures: pick(previous, (key) => key.startsWith('server') && key !== 'serverLoad'),
    targets: pick(previous.targets, (key) => key.startsWith('server')),
  };
}

function serverRows(results) {
  const row = (label, ratio, noop, p99, floor) => [
    label,
    ratio === null ? 'not measured' : `${ratio} (no-op ${noop}/s, p99 ${p99} ms; floor ${floor}/s)`,
  ];
  return [
    row(
      'server no-op ÷ floor, PostgreSQL',
      results.serverNoopToFloorRatio,
      results.serverNoopPerSec,
      results.serverP99Ms,
      results.serverFloorPerSec,
    ),
    row(
      'server no-op ÷ floor, embedded',
      results.serverNoopToFloorRatioEmbedded,
      results.serverNoopPerSecEmbedded,
      results.serverP99MsEmbedded,
      results.serverFloorPerSecEmbedded,
    ),
  ];
}

/** `--only server`: the browser figures of the last full run stay as they are. */
async function serverOnly() {
  const file = path.join(root, 'bench/results.json');
  const results = JSON.parse(readFileSync(file, 'utf8'));
  const load = await serverLoadFigures();
  Object.assign(results, load.figures);
  results.targets = { ...results.targets, ...serverTargets(results, load.targets) };
  delete results.targets.serverNoop;
  results.serverLoad = load.runs;
  results.setup.serverLoadDate = new Date().toISOString();
  results.setup.serverLoadTree = appTree();
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  console.log('');
  for (const [label, value] of serverRows(results)) console.log(`  ${label.padEnd(48)} ${value}`);
  await writeReport(results, REPORT);
  for (const line of targetLines(results)) console.log(`  ${line}`);
}

(SERVER_ONLY ? serverOnly() : main()).catch((error) => {
  console.error(error);
  process.exit(1);
});
