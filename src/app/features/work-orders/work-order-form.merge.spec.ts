import type { WorkOrderWithLines } from './work-order-repository';
import { buildDraft, lineValue, orderValue, type ShownOrder } from './work-order-form.model';
import { addToNotice, mergeStored, noticeText } from './work-order-form.merge';
import { workOrder, workOrderLine } from '../../../testing/records';

/** The record as B opened it in the form. */
const OPENED: WorkOrderWithLines = {
  order: workOrder('wo-1', { title: 'Pump', status: 'open', notes: 'Gate code 12' }),
  lines: [
    workOrderLine('l1', 'wo-1', { quantity: 2 }),
    workOrderLine('l2', 'wo-1', { note: 'left' }),
  ],
};

function shownAsOpened(): ShownOrder {
  return { order: orderValue(OPENED.order), lines: OPENED.lines.map(lineValue) };
}

function stored(
  orderChanges: Partial<WorkOrderWithLines['order']>,
  lines = OPENED.lines,
): WorkOrderWithLines {
  return { order: { ...OPENED.order, ...orderChanges }, lines };
}

describe('work-order form: a change stored while the form is open', () => {
  it('shows changed fields the user left alone, keeps the input in the ones they edited', () => {
    const shown = shownAsOpened();
    const input = { ...shown, order: { ...shown.order, title: 'Pump, typed by B' } };
    const merged = mergeStored(
      OPENED,
      stored({ status: 'inProgress', notes: undefined, title: 'Pump (A)' }),
      input,
    );
    expect(merged.order).toEqual({ status: 'inProgress', notes: '' });
    expect(merged.changed).toEqual(['Title', 'Status', 'Notes']);
    expect(merged.kept).toEqual(['Title']);
    expect(merged.lines).toEqual(shown.lines);
  });

  it('says nothing about its own save coming back, nor about a change equal to the input', () => {
    const shown = shownAsOpened();
    const input = { ...shown, order: { ...shown.order, title: ' Same ', status: 'done' as const } };
    const merged = mergeStored(OPENED, stored({ title: 'Same', status: 'done' }), input);
    expect(merged.order).toEqual({});
    expect(merged.changed).toEqual([]);
    expect(addToNotice(null, merged)).toBeNull();
  });

  it('after the merge, a save diffed against the new version writes only the user input', () => {
    const shown = shownAsOpened();
    const input = { ...shown, order: { ...shown.order, title: 'Pump, typed by B' } };
    const newer = stored({ status: 'inProgress', notes: 'From A' });
    const merged = mergeStored(OPENED, newer, input);
    const now = { order: { ...input.order, ...merged.order }, lines: merged.lines };
    expect(now.order.status).toBe('inProgress');
    expect(buildDraft('wo-1', newer, now).orderChanges).toEqual({ title: 'Pump, typed by B' });
  });

  it('merges line fields the same way, and names the line', () => {
    const [first, second] = shownAsOpened().lines;
    const input = { ...shownAsOpened(), lines: [first!, { ...second!, note: 'right' }] };
    const merged = mergeStored(
      OPENED,
      stored({}, [
        workOrderLine('l1', 'wo-1', { quantity: 7 }),
        workOrderLine('l2', 'wo-1', { note: 'middle', productId: 'p2' }),
      ]),
      input,
    );
    expect(merged.lines).toEqual([
      { ...first!, quantity: 7 },
      { ...second!, note: 'right', productId: 'p2' },
    ]);
    expect(merged.changed).toEqual(['Line 1 quantity', 'Line 2 product', 'Line 2 note']);
    expect(merged.kept).toEqual(['Line 2 note']);
  });

  it('adds lines added elsewhere, drops removed ones unless the user edited them', () => {
    const [first, second] = shownAsOpened().lines;
    const mine = { id: 'mine', productId: 'p1', quantity: 1, note: '' };
    const input = { ...shownAsOpened(), lines: [first!, { ...second!, quantity: 9 }, mine] };
    const merged = mergeStored(OPENED, stored({}, [workOrderLine('l3', 'wo-1')]), input);
    expect(merged.lines.map((l) => l.id)).toEqual(['l2', 'mine', 'l3']);
    expect(merged.changed).toEqual(['Line 1 removed', 'Line 2 removed', 'Line 3 added']);
    expect(merged.kept).toEqual(['Line 2']);
  });

  it('keeps a removal made in the form, and says the removed line changed elsewhere', () => {
    const [, second] = shownAsOpened().lines;
    const merged = mergeStored(
      OPENED,
      stored({}, [workOrderLine('l1', 'wo-1', { quantity: 3 }), OPENED.lines[1]!]),
      { ...shownAsOpened(), lines: [second!] },
    );
    expect(merged.lines).toEqual([second!]);
    expect(merged.changed).toEqual(['a line you removed']);
  });

  it('collects what changed into one notice, each name once, in words', () => {
    const input = shownAsOpened();
    const first = mergeStored(OPENED, stored({ status: 'done' }), input);
    const second = mergeStored(stored({ status: 'done' }), stored({ status: 'open', notes: 'x' }), {
      ...input,
      order: { ...input.order, status: 'done', notes: 'mine' },
    });
    const notice = addToNotice(addToNotice(null, first), second)!;
    expect(notice).toEqual({ changed: ['Status', 'Notes'], kept: ['Notes'] });
    expect(noticeText(notice)).toEqual([
      'Changed on another device or tab: Status, Notes.',
      'Your input is kept in: Notes. Saving writes it over the other change.',
    ]);
    expect(noticeText({ changed: ['Status'], kept: [] })).toEqual([
      'Changed on another device or tab: Status.',
    ]);
  });
});
