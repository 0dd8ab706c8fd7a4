import {
  type AbstractControl,
  FormControl,
  FormGroup,
  Validators,
  type ValidatorFn,
} from '@angular/forms';
import {
  tableSpec,
  type WorkOrder,
  type WorkOrderLine,
  type WorkOrderStatus,
} from '../../../../contract/tables';
import type { WorkOrderWithLines } from './work-order-repository';
import type { LineChanges, OrderChanges, WorkOrderDraft } from './work-orders.actions';

/**
 * The form's rules, taken from the table registry so the form refuses exactly what
 * `validateRecord` (and the server) would refuse.
 */
const orderFields = tableSpec('workOrders').fields;
const lineFields = tableSpec('workOrderLines').fields;

export const LIMITS = {
  title: orderFields['title'].maxLength ?? 200,
  notes: orderFields['notes'].maxLength ?? 2000,
  lineNote: lineFields['note'].maxLength ?? 500,
  quantityMin: lineFields['quantity'].minimum ?? 0,
};

/** yyyy-mm-dd, what `<input type="date">` produces, and a real calendar day. */
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Required strings must have more than blanks (`validateRecord`: "must not be empty"). */
export const notBlank: ValidatorFn = (control) =>
  typeof control.value === 'string' && control.value.trim() === '' ? { required: true } : null;

export const isoDate: ValidatorFn = (control) => {
  const value = control.value as string;
  if (!value) return null;
  const valid = DATE.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`));
  return valid ? null : { isoDate: true };
};

/** The control must hold the id of a known record (picked from the list, not just typed). */
export function knownId(known: () => { has(id: string): boolean } | null): ValidatorFn {
  return (control: AbstractControl) => {
    const ids = known();
    const value = control.value as string | null;
    // Until the master data is loaded there is nothing to check against.
    return !value || !ids || ids.has(value) ? null : { unknown: true };
  };
}

/** A line's controls: empty for a new line, or holding a stored line's values. */
export function lineGroup(
  line: { id: string; productId?: string | null; quantity?: number | null; note?: string },
  products: ValidatorFn,
) {
  return new FormGroup({
    id: new FormControl(line.id, { nonNullable: true }),
    productId: new FormControl<string | null>(line.productId ?? null, [
      Validators.required,
      products,
    ]),
    quantity: new FormControl<number | null>(line.quantity ?? 1, [
      Validators.required,
      Validators.min(LIMITS.quantityMin),
    ]),
    note: new FormControl(line.note ?? '', {
      nonNullable: true,
      validators: [Validators.maxLength(LIMITS.lineNote)],
    }),
  });
}

export type LineGroup = ReturnType<typeof lineGroup>;

export function orderGroup(customers: ValidatorFn) {
  return new FormGroup({
    title: new FormControl('', {
      nonNullable: true,
      validators: [Validators.required, notBlank, Validators.maxLength(LIMITS.title)],
    }),
    customerId: new FormControl<string | null>(null, [Validators.required, customers]),
    status: new FormControl<WorkOrderStatus>('open', {
      nonNullable: true,
      validators: [Validators.required],
    }),
    scheduledFor: new FormControl('', { nonNullable: true, validators: [isoDate] }),
    notes: new FormControl('', {
      nonNullable: true,
      validators: [Validators.maxLength(LIMITS.notes)],
    }),
  });
}

export type OrderGroup = ReturnType<typeof orderGroup>;

/** What the order's controls hold (`getRawValue()`), and one line's. */
export type OrderValue = ReturnType<OrderGroup['getRawValue']>;
export type LineValue = ReturnType<LineGroup['getRawValue']>;

/** The order's fields the form edits, with the words the form shows for them. */
export const ORDER_FIELDS = {
  title: 'Title',
  customerId: 'Customer',
  status: 'Status',
  scheduledFor: 'Scheduled date',
  notes: 'Notes',
} as const satisfies Record<keyof OrderValue, string>;

export type OrderField = keyof typeof ORDER_FIELDS;

/** A line's fields the form edits (its order never changes), with their words. */
export const LINE_FIELDS = {
  productId: 'product',
  quantity: 'quantity',
  note: 'note',
} as const satisfies Record<Exclude<keyof LineValue, 'id'>, string>;

export type LineField = keyof typeof LINE_FIELDS;

/** The controls' values for a stored order (absent optional fields are empty inputs). */
export function orderValue(order: WorkOrder): OrderValue {
  return {
    title: order.title,
    customerId: order.customerId,
    status: order.status,
    scheduledFor: order.scheduledFor ?? '',
    notes: order.notes ?? '',
  };
}

export function lineValue(line: WorkOrderLine): LineValue {
  return { id: line.id, productId: line.productId, quantity: line.quantity, note: line.note ?? '' };
}

/** The stored record for the form's values: trimmed, and empty optional fields left out. */
export function toWorkOrder(id: string, value: OrderGroup['value']): WorkOrder {
  const order: WorkOrder = {
    id,
    title: (value.title ?? '').trim(),
    customerId: value.customerId ?? '',
    status: value.status ?? 'open',
  };
  if (value.scheduledFor) order.scheduledFor = value.scheduledFor;
  const notes = value.notes?.trim();
  if (notes) order.notes = notes;
  return order;
}

export function toLine(workOrderId: string, value: LineGroup['value']): WorkOrderLine {
  const line: WorkOrderLine = {
    id: value.id ?? crypto.randomUUID(),
    workOrderId,
    productId: value.productId ?? '',
    quantity: value.quantity ?? 0,
  };
  const note = value.note?.trim();
  if (note) line.note = note;
  return line;
}

/** What the form shows now: the order's controls and its lines' controls, in order. */
export interface ShownOrder {
  readonly order: OrderValue;
  readonly lines: readonly LineValue[];
}

/**
 * The save for what the form shows, against what it opened with (`opened`, null for a new order).
 * A stored order or line gets only the fields that differ, compared as they would be stored
 * (trimmed, empty optional fields absent), so a field the user left alone is never written.
 */
export function buildDraft(
  id: string,
  opened: WorkOrderWithLines | null,
  shown: ShownOrder,
): WorkOrderDraft {
  const openedLines = new Map((opened?.lines ?? []).map((line) => [line.id, line]));
  const shownIds = new Set(shown.lines.map((line) => line.id));
  const newLines: WorkOrderLine[] = [];
  const changedLines: WorkOrderDraft['changedLines'][number][] = [];
  for (const value of shown.lines) {
    const line = toLine(id, value);
    const before = openedLines.get(line.id);
    if (!before) {
      newLines.push(line);
      continue;
    }
    const changes = lineChanges(before, value);
    if (Object.keys(changes).length > 0) changedLines.push({ line, changes });
  }
  return {
    order: toWorkOrder(id, shown.order),
    orderChanges: opened ? orderChanges(opened.order, shown.order) : null,
    newLines,
    changedLines,
    removedLineIds: [...openedLines.keys()].filter((lineId) => !shownIds.has(lineId)),
  };
}

/** The order's fields whose shown value differs from `opened` (`undefined`: now empty). */
export function orderChanges(opened: WorkOrder, shown: OrderValue): OrderChanges {
  return changedFields(fieldsOf(ORDER_FIELDS), asStored(orderValue(opened)), asStored(shown));
}

export function lineChanges(opened: WorkOrderLine, shown: LineValue): LineChanges {
  return changedFields(fieldsOf(LINE_FIELDS), lineAsStored(lineValue(opened)), lineAsStored(shown));
}

/** True when saving the draft writes something. */
export function hasChanges(draft: WorkOrderDraft): boolean {
  return (
    draft.orderChanges === null ||
    Object.keys(draft.orderChanges).length > 0 ||
    draft.newLines.length > 0 ||
    draft.changedLines.length > 0 ||
    draft.removedLineIds.length > 0
  );
}

/** Values as they would be stored: what two values are compared as. */
export function asStored(value: OrderValue): WorkOrder {
  return toWorkOrder('', value);
}

export function lineAsStored(value: LineValue): WorkOrderLine {
  return toLine('', value);
}

export function fieldsOf<F extends string>(labels: Record<F, string>): F[] {
  return Object.keys(labels) as F[];
}

function changedFields<F extends string, R extends Partial<Record<F, unknown>>>(
  fields: readonly F[],
  before: R,
  after: R,
): Partial<Pick<R, F>> {
  const changed = fields.filter((field) => before[field] !== after[field]);
  return Object.fromEntries(changed.map((field) => [field, after[field]])) as Partial<Pick<R, F>>;
}
