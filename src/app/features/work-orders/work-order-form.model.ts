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

export function lineGroup(line: Partial<WorkOrderLine> & { id: string }, products: ValidatorFn) {
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
