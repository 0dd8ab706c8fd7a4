// @ts-check
/**
 * Clients in threads of their own for event-loop.test.ts, so the server's thread does only what
 * a server does (in production clients are other machines), and the health checks are timed by
 * a thread that is not itself busy parsing big responses. Plain JavaScript: tsx's hooks do not
 * reach worker threads on Node 20.
 *
 * workerData { role: 'heavy', base, token, requests: [{ path, body }] }
 *   sends the requests at once; posts [{ status, ms, body }] in the same order.
 * workerData { role: 'probe', base, gapMs }
 *   GET /api/health one after another, `gapMs` apart; posts 'warm' after the first WARM_UP, and
 *   once sent 'stop', the latencies after them: [ms, ...].
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as pause } from 'node:timers/promises';
import { parentPort, workerData } from 'node:worker_threads';

const port = parentPort;
if (!port) throw new Error('load-client.mjs runs only as a worker thread');

/** @param {{ path: string, body: unknown }} request */
async function send(request) {
  const started = performance.now();
  const response = await fetch(`${workerData.base}${request.path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${workerData.token}` },
    body: JSON.stringify(request.body),
  });
  const body = await response.json();
  return { status: response.status, ms: performance.now() - started, body };
}

/** Probes before the heavy requests start; they time the client's own start-up, not the server. */
const WARM_UP = 20;

async function probe() {
  let running = true;
  port?.once('message', () => (running = false));
  /** @type {number[]} */
  const latencies = [];
  for (let probes = 0; running; probes++) {
    const started = performance.now();
    const response = await fetch(`${workerData.base}/api/health`);
    await response.arrayBuffer();
    latencies.push(response.status === 200 ? performance.now() - started : Infinity);
    // Warm (connection open, code compiled): the heavy requests may start now.
    if (probes === WARM_UP) port?.postMessage('warm');
    // Paced like a load balancer's checks (many a second), not a flood that would itself be load.
    await pause(workerData.gapMs);
  }
  return latencies.slice(WARM_UP + 1);
}

port.postMessage(
  workerData.role === 'probe' ? await probe() : await Promise.all(workerData.requests.map(send)),
);
