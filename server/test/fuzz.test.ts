/**
 * Property-based fuzzing of every production endpoint through `app.inject`: generated bodies,
 * headers, query strings and methods (fuzz-inputs.ts). For every case:
 *
 * - never a 5xx;
 * - a 4xx has the one error shape and wrote nothing (revision counters, remembered changes and
 *   live sessions compared before and after);
 * - no response carries anything of bob's (his id, a marker in his data, his token): every case
 *   runs as alice, or as nobody;
 * - hostile bodies (fuzz-hostile.ts: inherited field names, nesting to 100,000 levels, NUL deep
 *   inside) write nothing, whatever the answer.
 *
 * FUZZ_RUNS cases per endpoint (1,000 by default, as in CI). One app for the whole file and one
 * cheap snapshot query per case keep that to seconds.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { buildApp } from '../src/app';
import { createSession } from '../src/store/users';
import { HOSTILE_ENDPOINTS } from './fuzz-hostile';
import { ENDPOINTS, strayPaths, type FuzzRequest } from './fuzz-inputs';
import { change, login, push, startTestApp, workOrder } from './helpers';

const RUNS = Number(process.env['FUZZ_RUNS'] || 1000);

let owner: FastifyInstance;
/** The instance under fuzz: normal mode (no /api/test routes), with a login limit. */
let app: FastifyInstance;
let alice: { token: string; id: string };
let secrets: string[];

before(async () => {
  owner = await startTestApp();
  // The limit keeps scrypt runs, the one expensive step, to a few dozen per file.
  app = await buildApp({
    db: owner.db,
    staticDir: null,
    loginRateLimit: {
      perAddress: 40,
      perUsernameAndAddress: 5,
      perUsername: 5,
      windowMs: 60 * 60_000,
    },
  });
  const session = await login(owner, 'alice');
  alice = { token: session.token, id: session.user.id };
  const bob = await login(owner, 'bob');
  const marker = `bob-secret-${randomUUID()}`;
  const result = await push(owner, bob.token, [
    change('workOrders', marker, workOrder('cus-000001', marker)),
  ]);
  assert.equal(result.results[0]?.status, 'applied');
  secrets = [bob.user.id, marker, bob.token];
});
after(async () => {
  await app.close();
  await owner.close();
});

/** Everything a request could write that a rejected one must not. */
async function snapshot(): Promise<string> {
  const { rows } = await app.db.query<{ s: unknown }>(
    `SELECT json_build_array(
       (SELECT json_agg(rev ORDER BY username) FROM users),
       (SELECT count(*) FROM applied_changes),
       (SELECT count(*) FROM records),
       (SELECT count(*) FROM sessions WHERE NOT revoked)
     )::text AS s`,
  );
  return String(rows[0]?.s);
}

async function authorization(path: string, request: FuzzRequest): Promise<string | undefined> {
  // A logout as alice would end the session every later case relies on: it gets its own.
  const kind =
    request.auth.kind === 'alice' && path.includes('logout') ? 'fresh' : request.auth.kind;
  switch (kind) {
    case 'none':
      return undefined;
    case 'alice':
      return `Bearer ${alice.token}`;
    case 'fresh':
      return `Bearer ${(await createSession(app.db, alice.id, Date.now(), 60_000)).token}`;
    case 'raw':
      return request.auth.kind === 'raw' ? request.auth.value : undefined;
  }
}

/** Opens any session the case needs first, so the snapshot after it sees only the request. */
async function prepare(path: string, request: FuzzRequest): Promise<InjectOptions> {
  const headers: Record<string, string> = { ...request.headers };
  const auth = await authorization(path, request);
  if (auth !== undefined) headers['authorization'] = auth;
  const options: InjectOptions = {
    method: request.method,
    url: request.query === null ? path : `${path}?${request.query}`,
    headers,
  };
  if (request.body.kind !== 'none') {
    options.payload =
      request.body.kind === 'raw' ? request.body.value : JSON.stringify(request.body.value);
    if (request.contentType !== undefined) headers['content-type'] = request.contentType;
  }
  return options;
}

/** Sends one case and checks what holds for every answer: no 5xx, no leak, the error shape. */
async function send(path: string, request: FuzzRequest) {
  const options = await prepare(path, request);
  const before = await snapshot();
  const response = await app.inject(options);
  const status = response.statusCode;
  const what = `${request.method} ${path} → ${status} ${response.body.slice(0, 300)}`;
  assert.ok(status < 500, what);
  for (const secret of secrets) assert.ok(!response.body.includes(secret), `leak: ${what}`);
  if (status >= 400 && request.method !== 'HEAD') {
    const body = response.json() as Record<string, unknown>;
    assert.deepEqual(Object.keys(body).sort(), ['error', 'message', 'statusCode'], what);
    assert.equal(body['statusCode'], status, what);
  }
  return { status, before, what };
}

/** A generated case: a 4xx wrote nothing. */
async function checkCase(path: string, request: FuzzRequest): Promise<number> {
  const { status, before, what } = await send(path, request);
  if (status >= 400) assert.equal(await snapshot(), before, `a ${status} wrote: ${what}`);
  return status;
}

/** A hostile case: nothing written, whatever the answer (a push answers 200, all rejected). */
async function checkHostileCase(path: string, request: FuzzRequest): Promise<number> {
  const { status, before, what } = await send(path, request);
  assert.equal(await snapshot(), before, `hostile input wrote: ${what}`);
  return status;
}

/**
 * Counts the statuses a property produced, for the test's diagnostics: a fuzzer whose cases all
 * end as 400s would pass while testing nothing behind the schema check.
 */
function tally(): { add(status: number): void; summary(): string } {
  const counts = new Map<number, number>();
  return {
    add: (status) => counts.set(status, (counts.get(status) ?? 0) + 1),
    summary: () =>
      [...counts.entries()]
        .sort(([a], [b]) => a - b)
        .map(([status, n]) => `${status}×${n}`)
        .join(' '),
  };
}

describe(`fuzzing, ${RUNS} cases per endpoint`, () => {
  for (const { path, requests } of ENDPOINTS) {
    test(path, async (t) => {
      const statuses = tally();
      await fc.assert(
        fc.asyncProperty(requests, async (request) => {
          statuses.add(await checkCase(path, request));
        }),
        { numRuns: RUNS },
      );
      t.diagnostic(`statuses: ${statuses.summary()}`);
    });
  }

  for (const { path, requests } of HOSTILE_ENDPOINTS) {
    test(`${path}: inherited names, deep nesting, NUL inside`, async (t) => {
      const statuses = tally();
      await fc.assert(
        fc.asyncProperty(requests, async (request) => {
          statuses.add(await checkHostileCase(path, request));
        }),
        { numRuns: RUNS },
      );
      t.diagnostic(`statuses: ${statuses.summary()}`);
    });
  }

  test('unknown and odd paths', async (t) => {
    const statuses = tally();
    await fc.assert(
      fc.asyncProperty(strayPaths, ENDPOINTS[3]!.requests, async (path, request) => {
        statuses.add(await checkCase(path, request));
      }),
      { numRuns: RUNS },
    );
    t.diagnostic(`statuses: ${statuses.summary()}`);
  });
});
