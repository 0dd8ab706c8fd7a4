/**
 * The event loop stays free while the store works: a listening server answers /api/health within
 * 50 ms while a 500-change push and a 5,000-record pull run. The embedded PGlite runs in a worker
 * thread for this (store/pglite-thread.ts); in the server's own thread every health check would
 * wait for the whole push. Health latency is compared with the push's own duration in the same
 * run, so a slow machine slows both and the comparison still holds. The client runs in a thread
 * of its own (load-client.mjs), as clients are other machines in production.
 */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Worker } from 'node:worker_threads';
import type { FastifyInstance } from 'fastify';
import type { PushChange } from '../../contract/protocol';
import { seedMore } from '../src/seed/seed';
import { change, login, startTestApp, workOrder } from './helpers';

let app: FastifyInstance;
let base: string;
let token: string;

before(async () => {
  app = await startTestApp();
  await seedMore(app.db, 'alice', 'customers', 5_000);
  await app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  token = (await login(app, 'alice')).token;
});
after(() => app.close());

interface Timed {
  status: number;
  ms: number;
  body: unknown;
}

function client(workerData: Record<string, unknown>) {
  const thread = new Worker(path.join(__dirname, 'load-client.mjs'), { workerData, execArgv: [] });
  const next = <T>() =>
    new Promise<T>((resolve, reject) => {
      thread.once('message', resolve);
      thread.once('error', reject);
    });
  return { thread, next };
}

/** Runs the heavy requests at once from one client thread, health checks from another. */
async function underLoad(requests: { path: string; body: unknown }[]) {
  const probe = client({ role: 'probe', base, gapMs: 5 });
  await probe.next<'warm'>();
  const heavy = await client({ role: 'heavy', base, token, requests }).next<Timed[]>();
  const health = probe.next<number[]>();
  probe.thread.postMessage('stop');
  return { heavy, health: await health };
}

describe('the event loop during heavy store work', () => {
  test('/api/health answers at once (a quarter of the push at most) while a 500-change push and a 5,000-record pull run', async (t) => {
    const changes: PushChange[] = Array.from({ length: 500 }, (_, i) =>
      change('workOrders', `wo-loop-${i}`, workOrder('cus-000001', `Order ${i}`)),
    );
    const { heavy, health } = await underLoad([
      { path: '/api/sync/push', body: { changes } },
      {
        path: '/api/sync/pull',
        body: { tables: [{ table: 'customers', checkpoint: null }], limit: 5_000 },
      },
    ]);
    const [push, pull] = heavy as [Timed, Timed];

    assert.equal(push.status, 200);
    const results = (push.body as { results: { status: string }[] }).results;
    assert.equal(results.filter((result) => result.status === 'applied').length, 500);
    assert.equal(pull.status, 200);
    const page = pull.body as { tables: { records: unknown[] }[] };
    assert.equal(page.tables[0]?.records.length, 5_000);

    const worst = Math.max(...health);
    const summary =
      `health max ${worst.toFixed(1)} ms over ${health.length} checks; ` +
      `push ${push.ms.toFixed(0)} ms, pull ${pull.ms.toFixed(0)} ms`;
    t.diagnostic(summary);
    // Enough checks ran to mean something, and the push lasted long enough to have blocked them:
    // the slowest check against the push's own duration, both taken in this run. An absolute
    // bound (50 ms on an idle machine, docs/performance.md) would flake on a loaded one: at load
    // 10 the worst check took 317 ms while the push took 11.5 s (120 ms against 2.3 s on
    // PostgreSQL); with the store in the server's thread the worst check lasts as long as the
    // push, so a quarter leaves room for a loaded machine and still tells the two apart.
    assert.ok(health.length >= 5, summary);
    assert.ok(push.ms > 4 * worst, summary);
  });
});
