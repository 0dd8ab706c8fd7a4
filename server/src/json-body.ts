/**
 * The API's JSON body parser: Fastify's own (secure-json-parse, which refuses `__proto__` and
 * `constructor.prototype`), behind a scan that refuses nesting deeper than any request of the
 * protocol needs. The scan runs first and without recursion: everything after the parse
 * (validation, JSON.stringify into jsonb, PostgreSQL's own parser) recurses, and a body nested
 * a few thousand levels deep overflows one of them.
 */
import type { FastifyInstance } from 'fastify';
import { ClientError } from './store/records';

/**
 * The deepest body accepted. A push is 4 levels deep (body, changes, change, data) and a record's
 * fields are scalars; the margin lets a nested field value reach per-change validation (a
 * `rejected` outcome for that record) instead of failing its whole batch.
 */
export const MAX_JSON_DEPTH = 32;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/**
 * Where the string opened at `open` ends (its closing quote, or the text's end): the next quote
 * that an even number of backslashes precedes. indexOf skips long strings at native speed.
 */
function closingQuote(text: string, open: number): number {
  let quote = text.indexOf('"', open + 1);
  while (quote !== -1) {
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote;
    quote = text.indexOf('"', quote + 1);
  }
  return text.length;
}

/**
 * True when `text` opens more than `max` objects or arrays inside each other. Brackets inside
 * strings don't count. Malformed JSON may give any answer: the parser after it refuses that.
 */
export function jsonNestingExceeds(text: string, max: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === QUOTE) {
      i = closingQuote(text, i);
    } else if (code === OPEN_BRACE || code === OPEN_BRACKET) {
      if (++depth > max) return true;
    } else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
      depth--;
    }
  }
  return false;
}

/** Replaces the default application/json parser (the only body type the API takes). */
export function installJsonBodyParser(app: FastifyInstance): void {
  // Fastify's defaults for both options, stated: a poisoned body is a 400.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    if (jsonNestingExceeds(text, MAX_JSON_DEPTH)) {
      const message = `the JSON body is nested deeper than ${MAX_JSON_DEPTH} levels`;
      done(new ClientError(400, message), undefined);
      return;
    }
    parseJson(request, text, done);
  });
}
