/**
 * What PostgreSQL cannot store, looked for anywhere in a record before it is written: U+0000
 * (text and jsonb refuse it) and UTF-16 surrogates without their pair (JSON.stringify writes one
 * as `\ud800`, which jsonb refuses). Found here, it is a rejection of that record; found by the
 * database, it would fail the whole push, valid changes included.
 */
import { shortFieldName } from '../../../contract/tables';

/** With the `u` flag a surrogate pair is one code point: only unpaired halves match. */
const UNPAIRED_SURROGATE = /[\ud800-\udfff]/u;

function flawOf(text: string): string | undefined {
  if (text.includes('\u0000')) return 'NUL characters';
  if (UNPAIRED_SURROGATE.test(text)) return 'unpaired surrogates';
  return undefined;
}

/**
 * The first flaw in any string or property name inside `value`. Iterative, so no nesting can
 * overflow the stack (the body parser bounds nesting anyway, json-body.ts).
 */
function flawInside(value: unknown): string | undefined {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const next = pending.pop();
    if (typeof next === 'string') {
      const flaw = flawOf(next);
      if (flaw) return flaw;
    } else if (typeof next === 'object' && next !== null) {
      for (const [key, inner] of Object.entries(next)) {
        const flaw = flawOf(key);
        if (flaw) return flaw;
        pending.push(inner);
      }
    }
  }
  return undefined;
}

/** One problem per field that holds (or whose name holds) something the database can't store. */
export function unstorableProblems(data: Readonly<Record<string, unknown>>): string[] {
  const problems: string[] = [];
  for (const [key, value] of Object.entries(data)) {
    const nameFlaw = flawOf(key);
    if (nameFlaw) {
      // The name itself is not quoted: it is what can't be stored (or shown).
      problems.push(`a field name must not contain ${nameFlaw}`);
      continue;
    }
    const flaw = flawInside(value);
    if (flaw) problems.push(`"${shortFieldName(key)}" must not contain ${flaw}`);
  }
  return problems;
}
