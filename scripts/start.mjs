// `npm start`: the sync server (embedded store, demo data) and the Angular dev server with /api
// proxied to it. Ctrl-C stops both; if either dies, the other is stopped too.
import { spawn } from 'node:child_process';
import { waitForHttp } from './wait-for-http.mjs';

const apiPort = process.env.PORT ?? '3000';
const appPort = process.env.APP_PORT ?? '4200';
const children = [];

function run(name, command, args, env = {}) {
  const child = spawn(command, args, {
    stdio: 'inherit',
    env: { ...process.env, ...env },
  });
  child.on('exit', (code, signal) => {
    if (stopping) return;
    console.error(`\n${name} stopped (${signal ?? `exit code ${code}`}); stopping the rest.`);
    stop(code ?? 1);
  });
  children.push(child);
  return child;
}

let stopping = false;
function stop(code = 0) {
  stopping = true;
  for (const child of children) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 500).unref();
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

// Demo mode: an empty store gets alice and bob with the README's passwords and their data.
run('Sync server', 'npx', ['tsx', 'server/src/main.ts'], { PORT: apiPort, SYNC_DEMO: '1' });
// The first start seeds the demo data (a few seconds); the app only needs the server once a
// browser opens it, but waiting keeps the printed banner honest.
await waitForHttp(`http://127.0.0.1:${apiPort}/api/health`, 120_000);
run('Angular dev server', 'npx', ['ng', 'serve', '--port', appPort, '--host', '127.0.0.1']);
await waitForHttp(`http://127.0.0.1:${appPort}/`, 300_000);
console.info(`
  Field Sync is running: http://localhost:${appPort}
  Demo logins:  alice / alice-demo-pass    bob / bob-demo-pass
  Sync server:  http://127.0.0.1:${apiPort}/api (embedded store in .sync-data/)
  Ctrl-C stops both.
`);
