// @ts-check
/**
 * A client in its own thread for event-loop.test.ts: it sends the heavy requests and times the
 * health checks, so the server's thread does only what a server does (in production clients are
 * other machines). Plain JavaScript: tsx's hooks do not reach worker threads on Node 20.
 *
 * workerData: { base, token, heavy: [{ path, body }], probeGapMs }
 * posts: { heavy: [{ status, ms, body }], health: [ms, ...] }
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as pause } from 'node:timers/promises';
import { parentPort, workerData } from 'node:worker_threads';

const { base, token, heavy, probeGapMs } = workerData;

/** @param {{ path: string, body: unknown }} request */
async function send(request) {
  const started = performance.now();
  const response = await fetch(`${base}${request.path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(request.body),
  });
  const body = await response.json();
  return { status: response.status, ms: performance.now() - started, body };
}

let running = true;
const heavyDone = Promise.all(heavy.map(send)).finally(() => (running = false));
/** @type {number[]} */
const health = [];
while (running) {
  const started = performance.now();
  const response = await fetch(`${base}/api/health`);
  await response.arrayBuffer();
  health.push(response.status === 200 ? performance.now() - started : Number.POSITIVE_INFINITY);
  // Paced like a load balancer's checks (many a second), not a flood that would itself be load.
  await pause(probeGapMs);
}
parentPort?.postMessage({ heavy: await heavyDone, health });
