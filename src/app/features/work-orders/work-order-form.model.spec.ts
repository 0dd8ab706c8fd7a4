import { FormControl } from '@angular/forms';
import { isoDate, knownId, notBlank, toLine, toWorkOrder } from './work-order-form.model';

describe('work-order form model', () => {
  it('accepts only real yyyy-mm-dd dates, and nothing', () => {
    const errors = (value: string) => isoDate(new FormControl(value));
    expect(errors('')).toBeNull();
    expect(errors('2026-11-24')).toBeNull();
    expect(errors('24.11.2026')).toEqual({ isoDate: true });
    expect(errors('2026-13-40')).toEqual({ isoDate: true });
  });

  it('treats blanks as missing', () => {
    expect(notBlank(new FormControl('  '))).toEqual({ required: true });
    expect(notBlank(new FormControl('a'))).toBeNull();
  });

  it('accepts only ids of records it knows, once they are loaded', () => {
    const known = new Set(['c1']);
    expect(knownId(() => known)(new FormControl('c1'))).toBeNull();
    expect(knownId(() => known)(new FormControl('typed text'))).toEqual({ unknown: true });
    expect(knownId(() => null)(new FormControl('c9'))).toBeNull();
  });

  it('leaves empty optional fields out of the stored record', () => {
    expect(
      toWorkOrder('wo', {
        title: ' T ',
        customerId: 'c1',
        status: 'done',
        scheduledFor: '',
        notes: ' ',
      }),
    ).toEqual({ id: 'wo', title: 'T', customerId: 'c1', status: 'done' });
    expect(toLine('wo', { id: 'l', productId: 'p', quantity: 0, note: '' })).toEqual({
      id: 'l',
      workOrderId: 'wo',
      productId: 'p',
      quantity: 0,
    });
  });
});
