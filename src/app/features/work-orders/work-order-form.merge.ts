import type { WorkOrderLine } from '../../../../contract/tables';
import type { WorkOrderWithLines } from './work-order-repository';
import {
  LINE_FIELDS,
  ORDER_FIELDS,
  asStored,
  fieldsOf,
  lineAsStored,
  lineValue,
  orderValue,
  type LineValue,
  type OrderValue,
  type ShownOrder,
} from './work-order-form.model';

/**
 * What the form does when the stored version of its record changes while it is open (a pull, a
 * save in another tab): the fields changed there that the user left alone take the new values;
 * the user's own input stays where they typed; and the form says which fields changed.
 */
export interface MergedChange {
  /** Values for the order's controls: only fields changed elsewhere that the user left alone. */
  readonly order: Partial<OrderValue>;
  /** The lines to show, in order, each with the values its controls should hold. */
  readonly lines: readonly LineValue[];
  /** Words for what changed elsewhere, e.g. `Status`, `Line 2 quantity`, `Line 3 added`. */
  readonly changed: readonly string[];
  /** Where the user's input was kept over a change made elsewhere, e.g. `Title`, `Line 2`. */
  readonly kept: readonly string[];
}

/** What the form tells the user about changes made elsewhere since it opened. */
export interface ChangeNotice {
  readonly changed: readonly string[];
  readonly kept: readonly string[];
}

/**
 * Merges the newly stored version (`stored`) into what the form shows, against the version the
 * form shows changes against (`opened`). Afterwards the form's snapshot is `stored`.
 */
export function mergeStored(
  opened: WorkOrderWithLines,
  stored: WorkOrderWithLines,
  shown: ShownOrder,
): MergedChange {
  const storedOrder = orderValue(stored.order);
  const verdicts = mergeFields(
    fieldsOf(ORDER_FIELDS),
    asStored,
    orderValue(opened.order),
    storedOrder,
    shown.order,
  );
  const order: Partial<Record<keyof OrderValue, unknown>> = {};
  for (const { field, verdict } of verdicts) {
    if (verdict === 'take') order[field] = storedOrder[field];
  }
  const lines = mergeLines(opened.lines, stored.lines, shown.lines);
  return {
    order: order as Partial<OrderValue>,
    lines: lines.lines,
    changed: [...verdicts.map(({ field }) => ORDER_FIELDS[field]), ...lines.changed],
    kept: [
      ...verdicts.filter((v) => v.verdict === 'keep').map(({ field }) => ORDER_FIELDS[field]),
      ...lines.kept,
    ],
  };
}

/** The notice after one more change: what changed so far, each named once. */
export function addToNotice(
  notice: ChangeNotice | null,
  merged: MergedChange,
): ChangeNotice | null {
  if (merged.changed.length === 0) return notice;
  return {
    changed: union(notice?.changed ?? [], merged.changed),
    kept: union(notice?.kept ?? [], merged.kept),
  };
}

/** The notice's sentences: what changed, then where the user's input was kept. */
export function noticeText(notice: ChangeNotice): string[] {
  const text = [`Changed on another device or tab: ${notice.changed.join(', ')}.`];
  if (notice.kept.length > 0) {
    text.push(
      `Your input is kept in: ${notice.kept.join(', ')}. Saving writes it over the other change.`,
    );
  }
  return text;
}

interface Verdict<F> {
  readonly field: F;
  /** take: the user left it alone, it shows the stored value; keep: the user's input stays. */
  readonly verdict: 'take' | 'keep';
}

/**
 * Field by field, the fields changed elsewhere (stored ≠ opened). A field the user changed to
 * the very value stored is not worth a word: both sides agree.
 */
function mergeFields<V, F extends keyof V & string>(
  fields: readonly F[],
  asStoredValue: (value: V) => Partial<Record<F, unknown>>,
  opened: V,
  stored: V,
  shown: V,
): Verdict<F>[] {
  const [before, now, input] = [asStoredValue(opened), asStoredValue(stored), asStoredValue(shown)];
  const verdicts: Verdict<F>[] = [];
  for (const field of fields) {
    if (now[field] === before[field]) continue;
    if (input[field] === before[field]) verdicts.push({ field, verdict: 'take' });
    else if (input[field] !== now[field]) verdicts.push({ field, verdict: 'keep' });
  }
  return verdicts;
}

function mergeLines(
  opened: readonly WorkOrderLine[],
  stored: readonly WorkOrderLine[],
  shown: readonly LineValue[],
): { lines: LineValue[]; changed: string[]; kept: string[] } {
  const before = new Map(opened.map((line) => [line.id, line]));
  const now = new Map(stored.map((line) => [line.id, line]));
  const shownIds = new Set(shown.map((line) => line.id));
  const lines: LineValue[] = [];
  const changed: string[] = [];
  const kept: string[] = [];
  shown.forEach((value, index) => {
    const label = `Line ${index + 1}`;
    const openedLine = before.get(value.id);
    const storedLine = now.get(value.id);
    if (!openedLine) {
      // Added in this form: nobody else knows it.
      lines.push(value);
      return;
    }
    if (!storedLine) {
      changed.push(`${label} removed`);
      // The user's edits of it stay, and saving adds it again: they were told.
      if (isEdited(openedLine, value)) {
        kept.push(label);
        lines.push(value);
      }
      return;
    }
    const storedValue = lineValue(storedLine);
    const next: Record<string, unknown> = { ...value };
    const verdicts = mergeFields(
      fieldsOf(LINE_FIELDS),
      lineAsStored,
      lineValue(openedLine),
      storedValue,
      value,
    );
    for (const { field, verdict } of verdicts) {
      changed.push(`${label} ${LINE_FIELDS[field]}`);
      if (verdict === 'take') next[field] = storedValue[field];
      else kept.push(`${label} ${LINE_FIELDS[field]}`);
    }
    lines.push(next as LineValue);
  });
  for (const line of opened) {
    const storedLine = now.get(line.id);
    // Removed here, changed there: the removal stands (saving deletes it), but say so.
    if (!shownIds.has(line.id) && storedLine && isEdited(line, lineValue(storedLine))) {
      changed.push('a line you removed');
    }
  }
  for (const line of stored) {
    if (before.has(line.id) || shownIds.has(line.id)) continue;
    lines.push(lineValue(line));
    changed.push(`Line ${lines.length} added`);
  }
  return { lines, changed, kept };
}

function isEdited(opened: WorkOrderLine, value: LineValue): boolean {
  const [before, now] = [lineAsStored(lineValue(opened)), lineAsStored(value)];
  return fieldsOf(LINE_FIELDS).some((field) => before[field] !== now[field]);
}

function union(first: readonly string[], second: readonly string[]): string[] {
  return [...new Set([...first, ...second])];
}
