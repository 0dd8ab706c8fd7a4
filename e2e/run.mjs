// `npm run e2e`: builds the app, starts the real sync server in test mode on a free port (it also
// serves the build), runs the Playwright suite against it, and stops the server — also on failure.
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { waitForHttp } from '../scripts/wait-for-http.mjs';

const skipBuild = process.argv.includes('--skip-build');
const passThrough = process.argv.slice(2).filter((arg) => arg !== '--skip-build');

if (!skipBuild) {
  const build = spawnSync('npx', ['ng', 'build'], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const port = await freePort();
const baseURL = `http://127.0.0.1:${port}`;
const server = spawn('npx', ['tsx', 'server/src/main.ts'], {
  stdio: ['ignore', 'inherit', 'inherit'],
  env: {
    ...process.env,
    PORT: String(port),
    SYNC_SERVER_MODE: 'test',
    SYNC_DATA_DIR: 'memory',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  },
  detached: true,
});
const stopServer = () => {
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

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port: found } = probe.address();
      probe.close(() => resolve(found));
    });
  });
}
