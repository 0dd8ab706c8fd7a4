/**
 * Hostile bodies for fuzz.test.ts (issue 13, item 3): fields named after Object.prototype, nesting
 * up to 100,000 levels, NUL and unpaired surrogates deep inside values or in names. Every case is
 * built so that nothing in it may be written: a push's changes all carry hostile data. Bodies are
 * built as text, since JSON.stringify itself overflows on the deepest ones.
 */
import fc from 'fast-check';
import { MAX_JSON_DEPTH } from '../src/json-body';
import type { FuzzRequest } from './fuzz-inputs';

const INHERITED = [
  'toString',
  'valueOf',
  'constructor',
  'hasOwnProperty',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
  '__defineGetter__',
  '__lookupSetter__',
] as const;

/** Strings the database can't store, as JSON text (escaped, as a client's JSON.stringify writes). */
const unstorable = fc
  .tuple(
    fc.string({ maxLength: 8 }),
    fc.constantFrom('\u0000', '\ud800', '\udfff', '\ud83d', '\u0000\ud800'),
    fc.string({ maxLength: 8 }),
  )
  .map((parts) => JSON.stringify(parts.join('')));

/** How one level opens and closes: an array, an object, both. */
const level = fc.constantFrom(['[', ']'], ['{"a":', '}'], ['[1,{"b":', '}]']);

/** Depths the body parser takes (a change's data is 4 levels down) and depths it refuses. */
const shallow = fc.integer({ min: 1, max: MAX_JSON_DEPTH - 4 });
const deep = fc.oneof(
  fc.integer({ min: MAX_JSON_DEPTH + 1, max: 5_000 }),
  fc.constantFrom(4_300, 100_000),
  fc.integer({ min: 5_000, max: 100_000 }),
);

/** Some JSON text wrapped `depth` times, from one level to 100,000. */
function nested(
  inner: fc.Arbitrary<string>,
  depth = fc.oneof({ arbitrary: shallow, weight: 3 }, deep),
): fc.Arbitrary<string> {
  return fc
    .tuple(inner, depth, level)
    .map(([text, n, [open, close]]) => `${open.repeat(n)}${text}${close.repeat(n)}`);
}

const scalarText = fc.jsonValue({ maxDepth: 0 }).map((value) => JSON.stringify(value) ?? 'null');

/** A value under a hostile name: anything, deep, long, or with a NUL inside. */
const anyValueText = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }).map((value) => JSON.stringify(value) ?? 'null'),
  nested(fc.oneof(scalarText, unstorable)),
  fc.integer({ min: 1, max: 1_000_000 }).map((n) => JSON.stringify('x'.repeat(n))),
  unstorable,
);

/** One `"name": value` entry that must get its change rejected (or the body refused). */
const hostileEntry = fc
  .oneof(
    fc.tuple(fc.constantFrom(...INHERITED), anyValueText),
    // A declared field holding a non-scalar, or a string the database can't store.
    fc.tuple(
      fc.constantFrom('title', 'status', 'notes', 'customerId'),
      fc.oneof(nested(fc.oneof(scalarText, unstorable)), unstorable),
    ),
    // A name the database can't store.
    fc.tuple(
      unstorable.map((text) => JSON.parse(text) as string),
      scalarText,
    ),
  )
  .map(([name, value]) => `${JSON.stringify(name)}:${value}`);

const validFields = '"title":"Fix it","customerId":"cus-000001","status":"open"';

/** Now and then, hostile envelope members besides the data (they fail the whole request). */
const extras = fc.oneof(
  { arbitrary: fc.constant({}), weight: 4 },
  fc.record(
    {
      base: fc.oneof(nested(scalarText), fc.constant('{"title":"Fix it"}')),
      priorChangeIds: fc.oneof(nested(fc.constant('"c-1"')), fc.constant('["c-1"]')),
    },
    { requiredKeys: [] },
  ),
);

/** Valid fields first: in JSON the last of duplicate names wins, and that must be the hostile one. */
const hostileChange = fc
  .record({
    id: fc.string({ minLength: 1, maxLength: 20 }).map((id) => JSON.stringify(`wo-${id}`)),
    changeId: fc.uuid(),
    entries: fc.array(hostileEntry, { minLength: 1, maxLength: 3 }),
    extras,
  })
  .map(({ id, changeId, entries, extras: more }) => {
    const extra = Object.entries(more).map(([key, text]) => `,"${key}":${text}`);
    return (
      `{"table":"workOrders","id":${id},"changeId":"${changeId}","baseRev":null,` +
      `"deleted":false,"data":{${[validFields, ...entries].join(',')}}${extra.join('')}}`
    );
  });

const pushBody = fc
  .array(hostileChange, { minLength: 1, maxLength: 4 })
  .map((changes) => `{"changes":[${changes.join(',')}]}`);

/** For the other endpoints: a plausible envelope with a hostile member, or deep garbage. */
const envelopeBody = (valid: string) =>
  fc.oneof(
    hostileEntry.map((entry) => `{${valid},${entry}}`),
    nested(fc.constant(`{${valid}}`)),
    nested(unstorable),
  );

function hostile(
  method: FuzzRequest['method'],
  body: fc.Arbitrary<string>,
): fc.Arbitrary<FuzzRequest> {
  return body.map((value) => ({
    method,
    query: null,
    auth: { kind: 'alice' },
    contentType: 'application/json',
    headers: {},
    body: { kind: 'raw', value },
  }));
}

/** Per endpoint: hostile requests of which none may write anything, whatever the answer. */
export const HOSTILE_ENDPOINTS: { path: string; requests: fc.Arbitrary<FuzzRequest> }[] = [
  { path: '/api/sync/push', requests: hostile('POST', pushBody) },
  {
    path: '/api/sync/pull',
    requests: hostile('POST', envelopeBody('"tables":[{"table":"workOrders","checkpoint":null}]')),
  },
  {
    path: '/api/sync/records',
    requests: hostile('POST', envelopeBody('"table":"workOrders","ids":["wo-000001"]')),
  },
  {
    path: '/api/auth/login',
    requests: hostile('POST', envelopeBody('"username":"alice","password":"alice-demo-pass"')),
  },
  // A logout that got through would revoke the shared session: only bodies refused before it.
  { path: '/api/auth/logout', requests: hostile('POST', nested(fc.constant('{}'), deep)) },
];
