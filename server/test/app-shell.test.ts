import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { ManifestResponse } from '../../contract/protocol';
import { buildApp } from '../src/app';
import { readConfig } from '../src/config';
import { DEMO_COUNTS } from '../src/seed/seed';
import { precompress } from '../src/precompress';
import { migrate, MIGRATIONS } from '../src/store/migrations';
import { currentRevision } from '../src/store/records';
import { call, login, pullAll, startTestApp } from './helpers';

let app: FastifyInstance;
let normal: FastifyInstance;
let staticRoot: string;

before(async () => {
  app = await startTestApp();
  staticRoot = mkdtempSync(path.join(tmpdir(), 'field-sync-static-'));
  writeFileSync(path.join(staticRoot, 'index.html'), '<!doctype html><title>Field Sync</title>');
  writeFileSync(path.join(staticRoot, 'main-ABCD1234.js'), 'console.log(1)');
  // A second app over the same database, as `npm run server` would build it: normal mode.
  normal = await buildApp({ db: app.db, staticDir: staticRoot });
});
after(async () => {
  await normal.close();
  await app.close();
  rmSync(staticRoot, { recursive: true, force: true });
});

describe('outside test mode', () => {
  const routes = [
    ['POST', '/api/test/faults'],
    ['DELETE', '/api/test/faults'],
    ['POST', '/api/test/seed'],
    ['POST', '/api/test/reset'],
    ['GET', '/api/test/requests'],
    ['DELETE', '/api/test/requests'],
    ['POST', '/api/test/reject'],
  ] as const;
  for (const [method, url] of routes) {
    test(`${method} ${url} is a 404`, async () => {
      const response = await call<{ statusCode: number }>(normal, method, url, {
        body: method === 'POST' ? {} : undefined,
      });
      assert.equal(response.status, 404);
      assert.equal(response.body.statusCode, 404);
    });
  }
});

describe('static app', () => {
  test('serves index.html at / and for deep links, JSON 404s under /api', async () => {
    for (const url of ['/', '/work-orders/wo-000042']) {
      const response = await normal.inject({
        method: 'GET',
        url,
        headers: { accept: 'text/html' },
      });
      assert.equal(response.statusCode, 200, url);
      assert.match(response.body, /Field Sync/);
      assert.equal(response.headers['cache-control'], 'no-cache');
    }
    const api = await call(normal, 'GET', '/api/unknown', {});
    assert.equal(api.status, 404);
    assert.equal(api.headers['content-type'], 'application/json; charset=utf-8');
  });

  test('hashed bundles are immutable; a missing asset is a 404, not the app shell', async () => {
    const bundle = await normal.inject({ method: 'GET', url: '/main-ABCD1234.js' });
    assert.equal(bundle.statusCode, 200);
    assert.match(String(bundle.headers['cache-control']), /immutable/);
    const missing = await normal.inject({ method: 'GET', url: '/chunk-MISSING1.js' });
    assert.equal(missing.statusCode, 404);
  });

  test('a browser that accepts brotli or gzip gets the precompressed bundle, cached alike', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'field-sync-precompressed-'));
    try {
      const source = `export const rows = ${JSON.stringify(Array.from({ length: 200 }, (_, i) => `row ${i}`))};`;
      writeFileSync(path.join(dir, 'chunk-EFGH5678.js'), source);
      writeFileSync(path.join(dir, 'tiny-IJKL9012.js'), 'x()');
      // Left by an earlier build: a copy of a file now too small, and one of a file now gone.
      writeFileSync(path.join(dir, 'tiny-IJKL9012.js.br'), 'stale');
      writeFileSync(path.join(dir, 'gone-MNOP3456.js.gz'), 'stale');
      const shell = `<!doctype html><title>Field Sync</title>${'<p>'.repeat(600)}`;
      writeFileSync(path.join(dir, 'index.html'), shell);
      assert.deepEqual(await precompress(dir), {
        files: 2,
        bytes: source.length + shell.length,
        brotli: 2,
        gzip: 2,
      });
      // Too small to gain anything: left as it is, and no stale copy is served in its place.
      assert.equal(existsSync(path.join(dir, 'tiny-IJKL9012.js.br')), false);
      assert.equal(existsSync(path.join(dir, 'gone-MNOP3456.js.gz')), false);
      assert.equal(
        brotliDecompressSync(readFileSync(path.join(dir, 'chunk-EFGH5678.js.br'))).toString(),
        source,
      );

      // CORS puts Origin in Vary: Accept-Encoding must be kept beside it.
      const served = await buildApp({
        db: app.db,
        staticDir: dir,
        corsOrigins: ['https://app.example'],
      });
      try {
        const get = (encoding?: string) =>
          served.inject({
            method: 'GET',
            url: '/chunk-EFGH5678.js',
            headers: encoding ? { 'accept-encoding': encoding } : {},
          });
        const br = await get('gzip, deflate, br');
        assert.equal(br.headers['content-encoding'], 'br');
        assert.equal(brotliDecompressSync(br.rawPayload).toString(), source);
        assert.match(String(br.headers['cache-control']), /immutable/);
        assert.match(String(br.headers['vary']), /accept-encoding/i);
        const gzip = await get('gzip');
        assert.equal(gzip.headers['content-encoding'], 'gzip');
        assert.equal(gunzipSync(gzip.rawPayload).toString(), source);
        assert.match(String(gzip.headers['cache-control']), /immutable/);
        const plain = await get();
        assert.equal(plain.headers['content-encoding'], undefined);
        assert.equal(plain.body, source);
        assert.match(String(plain.headers['vary']), /accept-encoding/i);
        // The app shell of a deep link: compressed too, never cached for good.
        const deep = await served.inject({
          method: 'GET',
          url: '/work-orders/wo-000042',
          headers: { accept: 'text/html', 'accept-encoding': 'br', origin: 'https://app.example' },
        });
        assert.equal(deep.headers['content-encoding'], 'br');
        assert.equal(brotliDecompressSync(deep.rawPayload).toString(), shell);
        assert.equal(deep.headers['cache-control'], 'no-cache');
        assert.match(String(deep.headers['vary']), /origin/i);
        assert.match(String(deep.headers['vary']), /accept-encoding/i);
      } finally {
        await served.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('security headers are set and the API still answers', async () => {
    const response = await normal.inject({ method: 'GET', url: '/' });
    assert.equal(response.headers['x-content-type-options'], 'nosniff');
    assert.match(String(response.headers['content-security-policy']), /default-src 'self'/);
    assert.equal(response.headers['strict-transport-security'], undefined);
  });
});

describe('health', () => {
  test('answers without a login once the store is ready', async () => {
    const response = await normal.inject({ method: 'GET', url: '/api/health' });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), { status: 'ok' });
  });
});

describe('storage', () => {
  test('migrations are idempotent', async () => {
    assert.deepEqual(await migrate(app.db), []);
    const { rows } = await app.db.query<{ version: number }>(
      'SELECT version FROM schema_migrations ORDER BY version',
    );
    assert.deepEqual(
      rows.map((row) => row.version),
      MIGRATIONS.map((migration) => migration.version),
    );
  });

  test('the full demo seed has the issue’s counts, one revision per record, the same every time', async () => {
    const started = Date.now();
    const reset = await call(app, 'POST', '/api/test/reset', { body: { counts: DEMO_COUNTS } });
    assert.equal(reset.status, 200);
    const seededMs = Date.now() - started;
    assert.ok(seededMs < 20_000, `seeding took ${seededMs} ms`);
    const lineCounts: number[] = [];
    for (const username of ['alice', 'bob']) {
      const session = await login(app, username);
      const tables = (
        await call<ManifestResponse>(app, 'GET', '/api/sync/manifest', { token: session.token })
      ).body.tables;
      const count = (name: string) => tables.find((t) => t.name === name)?.count ?? -1;
      assert.equal(count('customers'), 500);
      assert.equal(count('products'), 300);
      assert.equal(count('workOrders'), 2000);
      const lines = count('workOrderLines');
      assert.ok(lines >= 2000 && lines <= 6000, `${lines} lines`);
      lineCounts.push(lines);
      const total = 500 + 300 + 2000 + lines;
      assert.equal(
        await currentRevision(app.db, session.user.id),
        total,
        'each record took its own revision',
      );
    }
    assert.notEqual(lineCounts[0], lineCounts[1], 'each user has their own generated data');

    const alice = await login(app, 'alice');
    const firstRun = (await pullAll(app, alice.token, 'workOrders', 5000)).records.map(
      (r) => r.data,
    );
    await call(app, 'POST', '/api/test/reset', { body: { counts: DEMO_COUNTS } });
    const again = await login(app, 'alice');
    const secondRun = (await pullAll(app, again.token, 'workOrders', 5000)).records.map(
      (r) => r.data,
    );
    assert.deepEqual(secondRun, firstRun, 'the generator is deterministic');
  });
});

describe('configuration', () => {
  test('defaults', () => {
    const config = readConfig({}, '/repo');
    assert.equal(config.port, 3000);
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.app.mode, 'normal');
    assert.equal(config.app.dataDir, path.resolve('/repo', '.sync-data'));
    assert.equal(config.app.sessionTtlMs, 12 * 60 * 60 * 1000);
    assert.equal(config.app.demo, false, 'no demo users outside demo and test mode');
    assert.deepEqual(config.app.loginRateLimit, {
      perAddress: 30,
      perUsernameAndAddress: 10,
      perUsername: 100,
      windowMs: 60_000,
    });
    assert.equal(config.app.trustProxy, false);
    assert.equal(config.app.bodyLimit, 5 * 1024 * 1024);
  });

  test('environment overrides, and malformed values fail fast', () => {
    const config = readConfig(
      {
        PORT: '8080',
        HOST: '0.0.0.0',
        SYNC_SERVER_MODE: 'test',
        SYNC_DATA_DIR: 'memory',
        SESSION_TTL_MS: '5000',
      },
      '/repo',
    );
    assert.deepEqual(
      [config.port, config.host, config.app.mode, config.app.dataDir],
      [8080, '0.0.0.0', 'test', 'memory'],
    );
    assert.equal(config.app.loginRateLimit, false);
    assert.equal(config.app.demo, true, 'test mode implies the demo');
    assert.equal(readConfig({ SYNC_DEMO: '1' }, '/repo').app.demo, true);
    const behindProxy = readConfig(
      {
        TRUST_PROXY: '10.0.0.0/8, 192.168.1.2',
        LOGIN_RATE_LIMIT_PER_USER: '0',
        LOGIN_RATE_LIMIT_CEILING: '50',
        BODY_LIMIT: '2048',
      },
      '/repo',
    );
    assert.deepEqual(behindProxy.app.trustProxy, ['10.0.0.0/8', '192.168.1.2']);
    assert.deepEqual(behindProxy.app.loginRateLimit, {
      perAddress: 30,
      perUsernameAndAddress: 0,
      perUsername: 50,
      windowMs: 60_000,
    });
    assert.equal(behindProxy.app.bodyLimit, 2048);
    assert.throws(() => readConfig({ TRUST_PROXY: 'lb.internal' }, '/repo'), /TRUST_PROXY/);
    assert.throws(() => readConfig({ PORT: 'http' }, '/repo'), /PORT must be an integer/);
    assert.throws(() => readConfig({ SYNC_SERVER_MODE: 'tset' }, '/repo'), /SYNC_SERVER_MODE/);
    assert.throws(() => readConfig({ SYNC_DEMO: 'yes' }, '/repo'), /SYNC_DEMO must be/);
  });
});
