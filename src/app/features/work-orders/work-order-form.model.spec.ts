import { FormControl } from '@angular/forms';
import {
  buildDraft,
  hasChanges,
  isoDate,
  knownId,
  lineValue,
  notBlank,
  orderValue,
  toLine,
  toWorkOrder,
} from './work-order-form.model';
import { workOrder, workOrderLine } from '../../../testing/records';

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

  describe('the save (only what the user changed)', () => {
    const opened = {
      order: workOrder('wo-1', { title: 'Pump', status: 'open', notes: 'Gate code 12 ' }),
      lines: [
        workOrderLine('l1', 'wo-1', { quantity: 2 }),
        workOrderLine('l2', 'wo-1', { note: 'left' }),
      ],
    };
    const shownAsOpened = () => ({
      order: orderValue(opened.order),
      lines: opened.lines.map(lineValue),
    });

    it('writes a new order whole, with all its lines', () => {
      const shown = {
        order: orderValue(workOrder('x', { title: 'New' })),
        lines: [lineValue(workOrderLine('n', 'x'))],
      };
      const draft = buildDraft('wo-9', null, shown);
      expect(draft.order).toEqual(workOrder('wo-9', { title: 'New' }));
      expect(draft.orderChanges).toBeNull();
      expect(draft.newLines).toEqual([workOrderLine('n', 'wo-9')]);
      expect(hasChanges(draft)).toBeTrue();
    });

    it('writes nothing when nothing changed (an untrimmed stored value included)', () => {
      const draft = buildDraft('wo-1', opened, shownAsOpened());
      expect(draft.orderChanges).toEqual({});
      expect(draft.newLines).toEqual([]);
      expect(draft.changedLines).toEqual([]);
      expect(draft.removedLineIds).toEqual([]);
      expect(hasChanges(draft)).toBeFalse();
    });

    it('writes only the order fields that changed; a cleared optional field is removed', () => {
      const shown = shownAsOpened();
      const draft = buildDraft('wo-1', opened, {
        ...shown,
        order: { ...shown.order, title: ' Pump, urgent ', notes: '' },
      });
      expect(draft.orderChanges).toEqual({ title: 'Pump, urgent', notes: undefined });
      expect(Object.keys(draft.orderChanges!)).toEqual(['title', 'notes']);
      expect(draft.order.status).toBe('open');
    });

    it('adds new lines, patches changed ones with their changed fields, removes removed ones', () => {
      const [first] = shownAsOpened().lines;
      const added = { id: 'l3', productId: 'p2', quantity: 1, note: '' };
      const draft = buildDraft('wo-1', opened, {
        order: orderValue(opened.order),
        lines: [{ ...first!, quantity: 5 }, added],
      });
      expect(draft.orderChanges).toEqual({});
      expect(draft.newLines).toEqual([
        workOrderLine('l3', 'wo-1', { productId: 'p2', quantity: 1 }),
      ]);
      expect(draft.changedLines).toEqual([
        { line: workOrderLine('l1', 'wo-1', { quantity: 5 }), changes: { quantity: 5 } },
      ]);
      expect(draft.removedLineIds).toEqual(['l2']);
    });
  });
});
