import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app';
import { call, login, PASSWORDS, startTestApp } from './helpers';

let app: FastifyInstance;
let logged: FastifyInstance;
const lines: string[] = [];

before(async () => {
  app = await startTestApp();
  logged = await buildApp({
    db: app.db,
    staticDir: null,
    logLevel: 'info',
    logStream: { write: (line) => lines.push(line) },
  });
});
after(async () => {
  await logged.close();
  await app.close();
});

test('request logs are structured and carry no password, token or query string', async () => {
  const password = PASSWORDS['alice']!;
  const { token } = await login(logged, 'alice');
  await call(logged, 'POST', '/api/auth/login', { body: { username: 'alice', password: 'nope' } });
  await call(logged, 'POST', '/api/auth/login', { body: { username: 'alice', password: 7 } });
  await logged.inject({
    method: 'POST',
    url: `/api/sync/pull?access_token=${token}`,
    headers: { authorization: `Bearer ${token}`, cookie: `session=${token}` },
    payload: { tables: [{ table: 'customers', checkpoint: null }], limit: 1 },
  });
  await call(logged, 'GET', '/api/sync/manifest', { token: 'x'.repeat(43) });
  await call(logged, 'POST', '/api/auth/logout', { token });

  const text = lines.join('');
  for (const secret of [password, token, 'Bearer', 'x'.repeat(43), 'nope']) {
    assert.ok(!text.includes(secret), `a log line contains "${secret.slice(0, 8)}…"`);
  }
  const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  const completed = entries.filter((entry) => entry['msg'] === 'request completed');
  assert.equal(completed.length, 6);
  for (const entry of completed) {
    assert.equal(typeof entry['reqId'], 'string');
    assert.equal(typeof entry['responseTime'], 'number');
    assert.equal(typeof (entry['res'] as { statusCode?: unknown }).statusCode, 'number');
  }
  const received = entries
    .filter((entry) => entry['msg'] === 'incoming request')
    .map((entry) => entry['req'] as Record<string, unknown>);
  assert.deepEqual(
    received.map((req) => `${String(req['method'])} ${String(req['url'])}`),
    [
      'POST /api/auth/login',
      'POST /api/auth/login',
      'POST /api/auth/login',
      'POST /api/sync/pull?…',
      'GET /api/sync/manifest',
      'POST /api/auth/logout',
    ],
  );
  assert.ok(received.every((req) => !('headers' in req)));
  assert.deepEqual(
    completed.map((entry) => (entry['res'] as { statusCode: number }).statusCode),
    [200, 401, 400, 200, 401, 204],
  );
});

test('whatever a handler logs under a secret name is redacted', () => {
  lines.length = 0;
  logged.log.info({ password: 'hunter2', body: { token: 'abc123', password: 'p' } }, 'oops');
  const entry = JSON.parse(lines[0]!) as { password: string; body: Record<string, string> };
  assert.equal(entry.password, '[redacted]');
  assert.deepEqual(entry.body, { token: '[redacted]', password: '[redacted]' });
});
