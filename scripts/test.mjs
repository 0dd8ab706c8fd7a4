// `npm test`: lint → unit (Karma) → build → server (node:test) → e2e (Playwright), the CI order.
// Every step runs even when an earlier one failed (the e2e step needs the build), so one run shows
// everything that is red. Ends with the line `N passed, N failed` summing every runner.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';

const results = '.test-results';
rmSync(results, { recursive: true, force: true });
mkdirSync(results, { recursive: true });

const steps = [];
let passed = 0;
let failed = 0;

function sh(command, args, env = {}) {
  const started = Date.now();
  const { status } = spawnSync(command, args, {
    stdio: 'inherit',
    env: { ...process.env, ...env },
  });
  return { ok: status === 0, seconds: Math.round((Date.now() - started) / 1000) };
}

/** A step that is a check, not a test runner (lint, build): counts as one test. */
function check(name, command, args) {
  console.info(`\n▶ ${name}`);
  const { ok, seconds } = sh(command, args);
  if (ok) passed++;
  else failed++;
  steps.push(`${name}: ${ok ? 'ok' : 'FAILED'} (${seconds} s)`);
  return ok;
}

/** A test runner whose counts are read back from the file it wrote. */
function runner(name, command, args, readCounts, env) {
  console.info(`\n▶ ${name}`);
  const { ok, seconds } = sh(command, args, env);
  let counts = readCounts();
  // A runner that crashed before writing its counts, or exited non-zero with none failing,
  // still counts as a failure: a red step must never look green in the total.
  if (!counts) counts = { passed: 0, failed: 1 };
  if (!ok && counts.failed === 0) counts.failed = 1;
  passed += counts.passed;
  failed += counts.failed;
  steps.push(`${name}: ${counts.passed} passed, ${counts.failed} failed (${seconds} s)`);
}

function readJson(file) {
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : null;
}

function karmaCounts() {
  return readJson(`${results}/karma.json`);
}

function nodeTestCounts() {
  const file = `${results}/server.tap`;
  if (!existsSync(file)) return null;
  const tap = readFileSync(file, 'utf8');
  const count = (label) => Number(tap.match(new RegExp(`^# ${label} (\\d+)$`, 'm'))?.[1] ?? 0);
  return { passed: count('pass'), failed: count('fail') + count('cancelled') };
}

function playwrightCounts() {
  const report = readJson(`${results}/e2e.json`);
  if (!report) return null;
  const { expected = 0, unexpected = 0, flaky = 0 } = report.stats ?? {};
  // A test that only passed on retry is a flake: the issue asks for none, so it counts as failed.
  return { passed: expected, failed: unexpected + flaky };
}

check('lint', 'npm', ['run', 'lint', '--silent']);
// tsx runs the server and the simulation without checking types: tsc does (the app's own are
// checked by the build).
check('typecheck (server, sim, bench)', 'npm', ['run', 'typecheck', '--silent']);
runner('unit (Karma)', 'npx', ['ng', 'test', '--watch=false'], karmaCounts);
const built = check('build', 'npx', ['ng', 'build']);
// The whole server suite on both stores: the embedded PGlite, then PostgreSQL when
// TEST_DATABASE_URL names a throwaway database (`eval "$(bash .ci/postgres.sh)"` starts one).
const serverTestFiles = readdirSync('server/test')
  .filter((file) => file.endsWith('.test.ts'))
  .map((file) => `server/test/${file}`);
// The second run writes its own TAP file; read it the way nodeTestCounts reads the first.
const tapCounts = (file) => {
  if (!existsSync(file)) return null;
  const tap = readFileSync(file, 'utf8');
  const count = (label) => Number(tap.match(new RegExp(`^# ${label} (\\d+)$`, 'm'))?.[1] ?? 0);
  return { passed: count('pass'), failed: count('fail') + count('cancelled') };
};
/** node:test over tsx, one file at a time, spec to stdout and TAP to `tap` for the counts. */
const nodeTestArgs = (tap, files) => [
  '--import',
  'tsx',
  '--test',
  '--test-concurrency=1',
  '--test-reporter=spec',
  '--test-reporter-destination=stdout',
  '--test-reporter=tap',
  `--test-reporter-destination=${results}/${tap}`,
  // Node 20's test runner takes no globs: name the files.
  ...files,
];
const serverRun = (store, tap) =>
  runner(
    `server (node:test, ${store})`,
    'node',
    nodeTestArgs(tap, serverTestFiles),
    tap === 'server.tap' ? nodeTestCounts : () => tapCounts(`${results}/${tap}`),
    { SERVER_TEST_STORE: store },
  );
serverRun('pglite', 'server.tap');
if (process.env.TEST_DATABASE_URL) {
  serverRun('postgres', 'server-postgres.tap');
} else {
  console.info('\n▶ server (node:test, postgres): SKIPPED, TEST_DATABASE_URL is not set');
  steps.push('server (node:test, postgres): skipped (TEST_DATABASE_URL not set)');
}
// The deterministic simulation: the app's sync modules on several devices against the real server
// code: the ledger's rules, the regression histories and 500 random histories (sim/).
runner(
  'simulation (node:test)',
  'node',
  nodeTestArgs('sim.tap', [
    'sim/ledger.test.ts',
    'sim/regressions.test.ts',
    'sim/simulation.test.ts',
  ]),
  () => tapCounts(`${results}/sim.tap`),
  // A larger young generation: the histories allocate briskly, and scavenges cost ~10% less CPU.
  { TSX_TSCONFIG_PATH: 'sim/tsconfig.json', NODE_OPTIONS: '--max-semi-space-size=64' },
);
if (built) {
  runner('e2e (Playwright)', 'node', ['e2e/run.mjs', '--skip-build'], playwrightCounts);
} else {
  failed++;
  steps.push('e2e (Playwright): not run, the build failed');
}

console.info(`\n${steps.map((line) => `  ${line}`).join('\n')}`);
console.info(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
