// `npm run e2e`: builds the app, starts the real sync server in test mode on a free port (it also
// serves the build), runs the Playwright suite against it, and stops the server — also on failure.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { waitForHttp } from '../scripts/wait-for-http.mjs';
import { freePort } from '../scripts/free-port.mjs';

const skipBuild = process.argv.includes('--skip-build');
const passThrough = process.argv.slice(2).filter((arg) => arg !== '--skip-build');

if (!skipBuild) {
  const build = spawnSync('npx', ['ng', 'build'], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

// The suite serves its own copy of the build: other people in this checkout may run `ng build`
// meanwhile, which empties dist/ and would turn the app into 404s halfway through a run.
const builtApp = path.join('dist', 'field-sync', 'browser');
if (!existsSync(path.join(builtApp, 'index.html'))) {
  console.error(`No build in ${builtApp}: run \`npx ng build\` (or drop --skip-build).`);
  process.exit(1);
}
const appCopy = mkdtempSync(path.join(tmpdir(), 'field-sync-e2e-'));
cpSync(builtApp, appCopy, { recursive: true });

const port = await freePort();
const baseURL = `http://127.0.0.1:${port}`;
const server = spawn('npx', ['tsx', 'server/src/main.ts'], {
  stdio: ['ignore', 'inherit', 'inherit'],
  env: {
    ...process.env,
    PORT: String(port),
    SYNC_SERVER_MODE: 'test',
    // Implied by test mode; said anyway: the suite logs in as the demo users.
    SYNC_DEMO: '1',
    SYNC_DATA_DIR: 'memory',
    STATIC_DIR: appCopy,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  },
  detached: true,
});
const stopServer = () => {
  rmSync(appCopy, { recursive: true, force: true });
  // The server runs under npx/tsx: signal the whole process group so nothing is left listening.
  try {
    process.kill(-server.pid, 'SIGTERM');
  } catch (error) {
    if (error.code !== 'ESRCH') throw error;
  }
};
process.on('SIGINT', () => {
  stopServer();
  process.exit(130);
});

let status = 1;
try {
  await waitForHttp(`${baseURL}/api/health`, 120_000);
  const run = spawnSync(
    'npx',
    ['playwright', 'test', '-c', 'e2e/playwright.config.ts', ...passThrough],
    {
      stdio: 'inherit',
      env: { ...process.env, E2E_BASE_URL: baseURL },
    },
  );
  status = run.status ?? 1;
} finally {
  stopServer();
}
process.exit(status);
