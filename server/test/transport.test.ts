/**
 * What the HTTP layer promises whatever the route (issue 13, items 4 and 6): a client that sends
 * slowly is cut off, an idle kept-alive connection is closed, a slow handler is not, and no /api
 * answer may be cached. The timeout tests use a real socket on 127.0.0.1 with timeouts of a
 * second or two, so the file runs in about three seconds; they assert what the server did (a 408
 * and a close long before the client was done), not how long it took.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { readConfig } from '../src/config';
import { DEFAULT_TIMEOUTS, type ServerTimeouts } from '../src/timeouts';
import { call, login, startTestApp } from './helpers';

const TIMEOUTS: ServerTimeouts = {
  headersMs: 1_000,
  requestMs: 2_000,
  keepAliveMs: 500,
  // Above the 1 s between two bytes: only the request timeouts can cut a trickling client.
  idleMs: 5_000,
};

let app: FastifyInstance;
let port: number;
let token: string;

before(async () => {
  app = await startTestApp({ timeouts: TIMEOUTS });
  await app.listen({ port: 0, host: '127.0.0.1' });
  port = (app.server.address() as net.AddressInfo).port;
  token = (await login(app, 'alice')).token;
});
after(() => app.close());

interface Trickled {
  /** Everything the server sent before it closed the connection. */
  readonly received: string;
  /** How many bytes of `slowly` went out before that. */
  readonly sent: number;
}

/**
 * A raw connection that sends `atOnce`, then `slowly` one byte a second, until the server closes
 * it. Never resolves if the server keeps it open (the test's timeout then fails it).
 */
function trickle(atOnce: string, slowly: string): Promise<Trickled> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let received = '';
    let sent = 0;
    let timer: NodeJS.Timeout | undefined;
    const sendOne = () => {
      if (sent < slowly.length && !socket.destroyed) socket.write(slowly[sent++]!);
    };
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    // The server destroys the socket after its 408: a reset here is the expected end.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ received, sent });
    });
    socket.on('connect', () => {
      socket.write(atOnce);
      sendOne();
      timer = setInterval(sendOne, 1_000);
    });
  });
}

const pullBody = JSON.stringify({ tables: [{ table: 'workOrders', checkpoint: null }] });

function pullHead(contentLength: number): string {
  return (
    `POST /api/sync/pull HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\n` +
    `Content-Type: application/json\r\nContent-Length: ${contentLength}\r\n\r\n`
  );
}

/** Each test's own limit: a connection the server never cuts fails that test alone. */
const CUT_WITHIN = { timeout: 8_000 };

describe('timeouts', () => {
  test('headers sent a byte a second are cut off with a 408', CUT_WITHIN, async () => {
    const request = pullHead(pullBody.length) + pullBody;
    const { received, sent } = await trickle('', request);
    assert.match(received, /^HTTP\/1\.1 408 Request Timeout\r\n/);
    assert.ok(sent < 10, `${sent} of ${request.length} bytes went out before the cut`);
  });

  test('a body sent a byte a second is cut off with a 408', CUT_WITHIN, async () => {
    const { received, sent } = await trickle(pullHead(pullBody.length), pullBody);
    assert.match(received, /^HTTP\/1\.1 408 Request Timeout\r\n/);
    assert.match(received, /"statusCode":408/);
    assert.ok(sent < 10, `${sent} of ${pullBody.length} body bytes went out before the cut`);
  });

  test('an idle kept-alive connection is closed after one answer', CUT_WITHIN, async () => {
    const health = 'GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n';
    const { received } = await trickle(health, '');
    assert.equal(received.match(/HTTP\/1\.1 /g)?.length, 1);
    assert.match(received, /^HTTP\/1\.1 200 OK\r\n/);
  });

  test('a handler slower than the request timeout still answers', CUT_WITHIN, async () => {
    // The request arrives at once; only receiving it is timed, not answering it.
    await call(app, 'POST', '/api/test/faults', {
      body: { mode: 'delay', ms: TIMEOUTS.requestMs + 500, count: 1 },
    });
    const response = await fetch(`http://127.0.0.1:${port}/api/sync/pull`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: pullBody,
    });
    assert.equal(response.status, 200);
  });
});

describe('timeout settings', () => {
  test('defaults, overrides, and bounds that keep one timeout from undoing another', () => {
    assert.deepEqual(readConfig({}, '/repo').app.timeouts, DEFAULT_TIMEOUTS);
    const set = readConfig(
      {
        REQUEST_TIMEOUT_MS: '5000',
        HEADERS_TIMEOUT_MS: '2000',
        KEEP_ALIVE_TIMEOUT_MS: '65000',
        IDLE_TIMEOUT_MS: '90000',
      },
      '/repo',
    );
    assert.deepEqual(set.app.timeouts, {
      requestMs: 5000,
      headersMs: 2000,
      keepAliveMs: 65000,
      idleMs: 90000,
    });
    // A request timeout below the default headers timeout takes the headers one down with it.
    assert.equal(readConfig({ REQUEST_TIMEOUT_MS: '3000' }, '/repo').app.timeouts?.headersMs, 3000);
    const refused = [
      { HEADERS_TIMEOUT_MS: '70000' },
      { KEEP_ALIVE_TIMEOUT_MS: '200000', IDLE_TIMEOUT_MS: '100000' },
      { REQUEST_TIMEOUT_MS: '0' },
    ];
    for (const env of refused) {
      assert.throws(() => readConfig(env, '/repo'), /_TIMEOUT_MS must be an integer/);
    }
  });
});

describe('Cache-Control: no-store on every /api answer', () => {
  test('successes, errors and unknown routes alike', async () => {
    const answers = [
      await call(app, 'GET', '/api/health'),
      await call(app, 'POST', '/api/auth/login', { body: { username: 'alice', password: 'x' } }),
      await call(app, 'POST', '/api/sync/pull', { token, body: JSON.parse(pullBody) }),
      await call(app, 'POST', '/api/sync/pull', { token, body: { tables: 'x' } }),
      await call(app, 'POST', '/api/sync/push', { token, rawBody: '{', contentType: 'text/xml' }),
      await call(app, 'GET', '/api/sync/manifest'),
      await call(app, 'GET', '/api/no/such/route'),
      await call(app, 'GET', '/api'),
    ];
    assert.deepEqual(
      answers.map((answer) => answer.status),
      [200, 401, 200, 400, 415, 401, 404, 404],
    );
    for (const answer of answers) assert.equal(answer.headers['cache-control'], 'no-store');
  });

  test('and a successful login, which carries a token', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'alice', password: 'alice-demo-pass' },
    });
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['cache-control'], 'no-store');
  });
});
