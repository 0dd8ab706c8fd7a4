/**
 * Generated requests for the endpoint fuzzing in fuzz.test.ts: bodies, headers, query strings
 * and methods, mostly near-valid (so they get past the first check and reach the handlers and
 * the database) and some plain garbage. Credentials are symbolic (`'alice'`, `'fresh'`) and
 * turned into real tokens only when a case runs, so the cases themselves stay pure data.
 */
import fc from 'fast-check';
import { MAX_PUSH_BATCH } from '../../contract/protocol';
import { TABLE_NAMES } from '../../contract/tables';

export type Auth =
  | { kind: 'none' }
  /** Alice's long-lived session, shared by every case. */
  | { kind: 'alice' }
  /** A session opened just for this case (logout revokes what it is given). */
  | { kind: 'fresh' }
  | { kind: 'raw'; value: string };

export type Body =
  { kind: 'none' } | { kind: 'json'; value: unknown } | { kind: 'raw'; value: string };

export interface FuzzRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH' | 'OPTIONS' | 'HEAD';
  query: string | null;
  auth: Auth;
  contentType: string | undefined;
  headers: Record<string, string>;
  body: Body;
}

const auth: fc.Arbitrary<Auth> = fc.oneof(
  { arbitrary: fc.constant({ kind: 'alice' } as const), weight: 6 },
  fc.constant({ kind: 'none' } as const),
  fc.constant({ kind: 'fresh' } as const),
  fc
    .oneof(
      fc.string().map((value) => `Bearer ${value}`),
      fc.string(),
      fc.constantFrom('Bearer', 'Bearer ', 'Basic YWxpY2U6eA==', `Bearer ${'A'.repeat(201)}`),
    )
    .map((value) => ({ kind: 'raw', value }) as const),
);

const contentType = fc.oneof(
  { arbitrary: fc.constant('application/json'), weight: 8 },
  fc.constantFrom(
    undefined,
    'application/json; charset=utf-8',
    'application/json; charset=latin1',
    'APPLICATION/JSON',
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/xml',
  ),
  fc.string({ maxLength: 30 }),
);

/** Headers a client or a proxy might add; the transport's own (length, host) are left alone. */
const headers = fc.dictionary(
  fc.constantFrom(
    'x-forwarded-for',
    'x-request-id',
    'accept',
    'accept-encoding',
    'content-encoding',
    'origin',
    'cookie',
    'x-http-method-override',
  ),
  fc.string({ maxLength: 40 }),
  { maxKeys: 3 },
);

const query = fc.option(
  fc.oneof(
    fc.webQueryParameters(),
    fc.constantFrom('%', '%zz', 'a=%E0%A4%A', '__proto__[x]=1', 'limit=1&limit=2', 'token=x'),
  ),
);

const table = fc.oneof(
  { arbitrary: fc.constantFrom(...TABLE_NAMES), weight: 4 },
  fc.constantFrom('invoices', '', 'workorders', 1, null),
);

const checkpoint = fc.oneof(
  fc.constant(null),
  fc.nat(60).map((rev) => `r:${rev}`),
  fc.constantFrom('r:999999999', 'r:999999999999999', 'r:-1', 'r:01', 'r:', '42', 'r:1e3'),
  fc.string({ maxLength: 45 }),
  fc.nat(),
);

const pullBody = fc.oneof(
  {
    arbitrary: fc.record(
      {
        tables: fc.array(
          fc.oneof(
            { arbitrary: fc.record({ table, checkpoint }), weight: 5 },
            fc.record({ table, checkpoint, x: fc.jsonValue() }, { requiredKeys: [] }),
          ),
          { maxLength: 3 },
        ),
        limit: fc.oneof(
          { arbitrary: fc.integer({ min: 1, max: 50 }), weight: 6 },
          fc.integer({ min: -2, max: 5002 }),
          fc.double(),
          fc.string(),
        ),
      },
      { requiredKeys: ['tables'] },
    ),
    weight: 4,
  },
  fc.jsonValue({ maxDepth: 3 }),
);

/** Field values that pass, or just miss, the registry's checks. */
const fieldValue = fc.oneof(
  fc.constantFrom('cus-000001', 'wo-000001', 'prd-000001', 'open', 'done', 'x', '', 'a\u0000b'),
  fc.string({ maxLength: 20 }),
  fc.integer({ min: -3, max: 5 }),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.jsonValue({ maxDepth: 2 }),
);

/** Objects (or null) only: what passes the envelope schema, for `data` and `base`. */
const recordFields = fc.oneof(
  fc.constant(null),
  fc.record({ title: fc.string({ maxLength: 10 }), customerId: fieldValue, status: fieldValue }),
  fc.record({ workOrderId: fieldValue, productId: fieldValue, quantity: fieldValue }),
  fc.dictionary(fc.string({ maxLength: 12 }), fieldValue, { maxKeys: 4 }),
);

const recordData = fc.oneof({ arbitrary: recordFields, weight: 4 }, fc.jsonValue({ maxDepth: 2 }));

const pushChange = fc.record(
  {
    table,
    id: fc.oneof(
      { arbitrary: fc.string({ minLength: 1, maxLength: 70 }), weight: 6 },
      fc.constantFrom('wo-000001', 'wol-000001'),
      fc.nat(),
    ),
    changeId: fc.oneof(fc.string({ maxLength: 6 }), fc.uuid()),
    baseRev: fc.oneof(
      { arbitrary: fc.constant(null), weight: 4 },
      { arbitrary: fc.integer({ min: -1, max: 80 }), weight: 4 },
      fc.string(),
    ),
    deleted: fc.oneof({ arbitrary: fc.boolean(), weight: 8 }, fc.constant(null)),
    data: recordData,
    base: fc.oneof({ arbitrary: recordFields, weight: 9 }, fc.jsonValue({ maxDepth: 2 })),
    priorChangeIds: fc.oneof(
      {
        arbitrary: fc.array(fc.oneof(fc.string({ minLength: 1, maxLength: 6 }), fc.uuid()), {
          maxLength: 20,
        }),
        weight: 9,
      },
      fc.jsonValue({ maxDepth: 1 }),
    ),
  },
  { requiredKeys: ['table', 'id', 'changeId', 'baseRev', 'deleted', 'data'] },
);

const pushBody = fc.oneof(
  { arbitrary: fc.record({ changes: fc.array(pushChange, { maxLength: 4 }) }), weight: 5 },
  fc.record(
    { changes: fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }), extra: fc.jsonValue() },
    { requiredKeys: ['changes'] },
  ),
  // Over the batch limit: one change repeated (cheap to build, refused before any query).
  pushChange.map((one) => ({ changes: Array.from({ length: MAX_PUSH_BATCH + 1 }, () => one) })),
  fc.jsonValue({ maxDepth: 3 }),
);

const recordsBody = fc.oneof(
  {
    arbitrary: fc.record({
      table,
      ids: fc.array(
        fc.oneof(
          fc.constantFrom('wo-000001', 'cus-000001', 'wol-000001', 'never-had'),
          fc.string({ minLength: 1, maxLength: 64 }),
        ),
        { minLength: 1, maxLength: 5 },
      ),
    }),
    weight: 4,
  },
  {
    arbitrary: fc.record(
      {
        table,
        ids: fc.oneof(
          {
            arbitrary: fc.array(
              fc.oneof(
                fc.constantFrom('wo-000001', 'cus-000001', 'wol-000001', 'never-had'),
                fc.string({ maxLength: 70 }),
              ),
              { maxLength: 5 },
            ),
            weight: 6,
          },
          fc.array(fc.constant('wo-000001'), { minLength: 499, maxLength: 502 }),
          fc.jsonValue({ maxDepth: 1 }),
        ),
        x: fc.jsonValue({ maxDepth: 1 }),
      },
      { requiredKeys: ['table', 'ids'] },
    ),
    weight: 2,
  },
  fc.jsonValue({ maxDepth: 3 }),
);

const loginBody = fc.oneof(
  {
    arbitrary: fc.record(
      {
        username: fc.oneof(fc.constantFrom('alice', 'ALICE', 'carol', ''), fc.string()),
        password: fc.oneof(fc.constant('alice-demo-pass'), fc.string(), fc.integer()),
      },
      { requiredKeys: ['username', 'password'] },
    ),
    weight: 4,
  },
  fc.jsonValue({ maxDepth: 2 }),
);

function body(json: fc.Arbitrary<unknown>): fc.Arbitrary<Body> {
  return fc.oneof(
    { arbitrary: json.map((value) => ({ kind: 'json', value }) as const), weight: 8 },
    fc.constant({ kind: 'none' } as const),
    fc
      .oneof(
        fc.string(),
        fc.constantFrom('{"tables": [', '{', 'null', '[]', '""', '{"__proto__":{}}'),
      )
      .map((value) => ({ kind: 'raw', value }) as const),
  );
}

const anyMethod = fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD');

function request(
  method: FuzzRequest['method'],
  json: fc.Arbitrary<unknown>,
): fc.Arbitrary<FuzzRequest> {
  return fc.record({
    method: fc.oneof({ arbitrary: fc.constant(method), weight: 9 }, anyMethod),
    query,
    auth,
    contentType,
    headers,
    body: body(json),
  });
}

const anyJson = fc.jsonValue({ maxDepth: 2 });

/** Per endpoint: its path and what to throw at it. */
export const ENDPOINTS: { path: string; requests: fc.Arbitrary<FuzzRequest> }[] = [
  { path: '/api/auth/login', requests: request('POST', loginBody) },
  { path: '/api/auth/logout', requests: request('POST', anyJson) },
  { path: '/api/sync/manifest', requests: request('GET', anyJson) },
  { path: '/api/sync/pull', requests: request('POST', pullBody) },
  { path: '/api/sync/push', requests: request('POST', pushBody) },
  { path: '/api/health', requests: request('GET', anyJson) },
  { path: '/api/sync/records', requests: request('POST', recordsBody) },
];

/** Paths next to the real ones: unknown routes, encodings, traversal. */
export const strayPaths = fc.oneof(
  fc.constantFrom(
    '/api',
    '/api/',
    '/api/sync',
    '/api/sync/pull/',
    '/api/sync/../auth/login',
    '/api/sync/%2e%2e/auth/login',
    '/api/test/reset',
    '//api/sync/pull',
    '/API/SYNC/PULL',
    '/api/sync/pull%00',
    '/index.html',
  ),
  fc.webPath().map((path) => `/api${path}`),
  // An HTTP request line always has a path; an empty one is the test client's error, not ours.
  fc.webPath().map((path) => (path.startsWith('/') ? path : `/${path}`)),
);
