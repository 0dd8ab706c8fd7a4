import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import type { HarnessLoader } from '@angular/cdk/testing';
import { TestBed } from '@angular/core/testing';
import { MatAutocompleteHarness } from '@angular/material/autocomplete/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatFormFieldHarness } from '@angular/material/form-field/testing';
import { MatInputHarness } from '@angular/material/input/testing';
import { MatSelectHarness } from '@angular/material/select/testing';
import { provideRouter } from '@angular/router';
import { MockStore, provideMockStore } from '@ngrx/store/testing';
import { BehaviorSubject, of } from 'rxjs';
import { WorkOrderFormPage } from './work-order-form.page';
import { WorkOrderRepository, type WorkOrderWithLines } from './work-order-repository';
import { WorkOrderFormActions } from './work-orders.actions';
import { initialWorkOrdersState, type WorkOrdersState } from './work-orders.feature';
import { workOrder, workOrderLine } from '../../../testing/records';
import { CUSTOMERS, PRODUCTS } from './work-orders.testing';

const STORED: WorkOrderWithLines = {
  order: workOrder('wo-1', { title: 'Fix the pump', customerId: 'c2', scheduledFor: '2026-12-01' }),
  lines: [
    workOrderLine('l1', 'wo-1', { productId: 'p1', quantity: 2 }),
    workOrderLine('l2', 'wo-1', { productId: 'p2' }),
  ],
};

describe('WorkOrderFormPage', () => {
  let store: MockStore;
  let dispatch: jasmine.Spy;
  /** What is stored for wo-1, live: the tests store a change made elsewhere through it. */
  let stored$: BehaviorSubject<WorkOrderWithLines | null>;

  async function render(id?: string, state: Partial<WorkOrdersState> = {}) {
    stored$ = new BehaviorSubject<WorkOrderWithLines | null>(STORED);
    TestBed.configureTestingModule({
      imports: [WorkOrderFormPage],
      providers: [
        provideRouter([]),
        provideMockStore({ initialState: { workOrders: { ...initialWorkOrdersState, ...state } } }),
        {
          provide: WorkOrderRepository,
          useValue: {
            watchCustomers: () => of(CUSTOMERS),
            watchProducts: () => of(PRODUCTS),
            watch: (wanted: string) => (wanted === 'wo-1' ? stored$ : of(null)),
          },
        },
      ],
    });
    store = TestBed.inject(MockStore);
    dispatch = spyOn(store, 'dispatch');
    const fixture = TestBed.createComponent(WorkOrderFormPage);
    if (id) fixture.componentRef.setInput('id', id);
    await fixture.whenStable();
    const loader = TestbedHarnessEnvironment.loader(fixture);
    return { fixture, loader, element: fixture.nativeElement as HTMLElement };
  }

  const field = (loader: HarnessLoader, label: RegExp) =>
    loader.getHarness(MatFormFieldHarness.with({ floatingLabelText: label }));
  const input = (loader: HarnessLoader, name: string) =>
    loader.getHarness(MatInputHarness.with({ selector: `[formControlName="${name}"]` }));
  const button = (loader: HarnessLoader, text: string | RegExp) =>
    loader.getHarness(MatButtonHarness.with({ text }));
  const savedDraft = () => {
    const action = dispatch.calls.mostRecent().args[0] as ReturnType<
      typeof WorkOrderFormActions.saveRequested
    >;
    expect(action.type).toBe(WorkOrderFormActions.saveRequested.type);
    return action;
  };

  it('says what is missing instead of saving an empty work order', async () => {
    const { loader } = await render();
    await (await button(loader, 'Save')).click();
    expect(dispatch).not.toHaveBeenCalled();
    expect(await (await field(loader, /^Title/)).getTextErrors()).toEqual(['Enter a title.']);
    expect(await (await field(loader, /^Customer/)).getTextErrors()).toEqual([
      'Choose a customer from the list.',
    ]);
  });

  it('refuses blank and too long titles, like the registry', async () => {
    const { loader } = await render();
    const title = await input(loader, 'title');
    await title.setValue('   ');
    await title.blur();
    expect(await (await field(loader, /^Title/)).getTextErrors()).toEqual(['Enter a title.']);
    await title.setValue('x'.repeat(201));
    await title.blur();
    expect(await (await field(loader, /^Title/)).getTextErrors()).toEqual([
      'At most 200 characters.',
    ]);
  });

  it('saves a new work order with its lines, once every line is valid', async () => {
    const { loader } = await render();
    await (await input(loader, 'title')).setValue('  Replace the filter ');
    const customer = await loader.getHarness(MatAutocompleteHarness);
    await customer.enterText('glob');
    await customer.selectOption({ text: /Globex/ });
    const status = await loader.getHarness(MatSelectHarness);
    await status.open();
    await status.clickOptions({ text: 'In progress' });

    await (await button(loader, /Add line/)).click();
    const [, product] = await loader.getAllHarnesses(MatAutocompleteHarness);
    await product.enterText('valve');
    await product.selectOption({ text: /Valve/ });
    await (await input(loader, 'quantity')).setValue('-1');
    await (await button(loader, 'Save')).click();
    expect(dispatch).not.toHaveBeenCalled();
    expect(await (await field(loader, /^Quantity/)).getTextErrors()).toEqual([
      "Quantity can't be negative.",
    ]);

    await (await input(loader, 'quantity')).setValue('3');
    await (await input(loader, 'note')).setValue('left side');
    await (await button(loader, 'Save')).click();
    const action = dispatch.calls.mostRecent().args[0] as ReturnType<
      typeof WorkOrderFormActions.saveRequested
    >;
    expect(action.type).toBe(WorkOrderFormActions.saveRequested.type);
    const { order: saved, orderChanges, newLines, changedLines, removedLineIds } = action.draft;
    expect(orderChanges).toBeNull();
    expect(saved).toEqual({
      id: jasmine.any(String),
      title: 'Replace the filter',
      customerId: 'c2',
      status: 'inProgress',
    });
    expect(newLines).toEqual([
      {
        id: jasmine.any(String),
        workOrderId: saved.id,
        productId: 'p2',
        quantity: 3,
        note: 'left side',
      },
    ]);
    expect(changedLines).toEqual([]);
    expect(removedLineIds).toEqual([]);
  });

  it('edits a stored work order; removed lines are deleted, unchanged ones not rewritten', async () => {
    const { loader } = await render('wo-1');
    expect(await (await input(loader, 'title')).getValue()).toBe('Fix the pump');
    expect(await (await loader.getHarness(MatAutocompleteHarness)).getValue()).toBe('Globex');
    await (await input(loader, 'quantity')).setValue('2');
    await (
      await loader.getHarness(MatButtonHarness.with({ selector: '[aria-label="Remove line 2"]' }))
    ).click();
    await (await button(loader, 'Save')).click();
    expect(dispatch).toHaveBeenCalledOnceWith(
      WorkOrderFormActions.saveRequested({
        draft: {
          order: STORED.order,
          orderChanges: {},
          newLines: [],
          changedLines: [],
          removedLineIds: ['l2'],
        },
      }),
    );
  });

  it('writes a stored line again only when it changed', async () => {
    const { loader } = await render('wo-1');
    const [first] = await loader.getAllHarnesses(
      MatInputHarness.with({ selector: '[formControlName="quantity"]' }),
    );
    await first.setValue('5');
    await (await button(loader, 'Save')).click();
    const action = dispatch.calls.mostRecent().args[0] as ReturnType<
      typeof WorkOrderFormActions.saveRequested
    >;
    expect(action.draft.changedLines).toEqual([
      { line: { ...STORED.lines[0]!, quantity: 5 }, changes: { quantity: 5 } },
    ]);
    expect(action.draft.orderChanges).toEqual({});
    expect(action.draft.newLines).toEqual([]);
    expect(action.draft.removedLineIds).toEqual([]);
  });

  it('saves only the fields the user changed, never the whole snapshot', async () => {
    const { loader } = await render('wo-1');
    await (await input(loader, 'title')).setValue('Fix the pump today');
    await (await button(loader, 'Save')).click();
    const { draft } = savedDraft();
    expect(draft.orderChanges).toEqual({ title: 'Fix the pump today' });
    expect(draft.newLines).toEqual([]);
    expect(draft.changedLines).toEqual([]);
  });

  it('shows a change stored meanwhile in the fields left alone, names them, keeps the input', async () => {
    const { fixture, loader, element } = await render('wo-1');
    await (await input(loader, 'title')).setValue('Typed by B');
    stored$.next({
      order: { ...STORED.order, title: 'Renamed by A', status: 'done', notes: 'From A' },
      lines: [{ ...STORED.lines[0]!, quantity: 9 }, STORED.lines[1]!],
    });
    await fixture.whenStable();

    expect(element.querySelector('.notice[role="status"]')?.textContent).toContain(
      'Changed on another device or tab: Title, Status, Notes, Line 1 quantity.',
    );
    expect(element.querySelector('.notice[role="status"]')?.textContent).toContain(
      'Your input is kept in: Title.',
    );
    expect(await (await input(loader, 'title')).getValue()).toBe('Typed by B');
    expect(await (await loader.getHarness(MatSelectHarness)).getValueText()).toBe('Done');
    expect(await (await input(loader, 'notes')).getValue()).toBe('From A');
    const [quantity] = await loader.getAllHarnesses(
      MatInputHarness.with({ selector: '[formControlName="quantity"]' }),
    );
    expect(await quantity!.getValue()).toBe('9');

    // The next save diffs against what the form now shows: A's changes are not written back.
    await (await button(loader, 'Save')).click();
    const { draft } = savedDraft();
    expect(draft.orderChanges).toEqual({ title: 'Typed by B' });
    expect(draft.changedLines).toEqual([]);
    expect(draft.removedLineIds).toEqual([]);
  });

  it('says so when the work order is deleted meanwhile, and will not save it again', async () => {
    const { fixture, loader, element } = await render('wo-1');
    await (await input(loader, 'title')).setValue('Typed by B');
    stored$.next(null);
    await fixture.whenStable();
    expect(element.querySelector('.notice[role="alert"]')?.textContent).toContain(
      'This work order was deleted on another device or in another tab.',
    );
    expect(await (await input(loader, 'title')).getValue()).toBe('Typed by B');
    expect(await (await button(loader, 'Save')).isDisabled()).toBeTrue();
    expect(await (await button(loader, /Delete/)).isDisabled()).toBeTrue();
    expect(dispatch).not.toHaveBeenCalled();
  });

  it('asks for the delete through the store (the effect confirms it)', async () => {
    const { loader } = await render('wo-1');
    await (await button(loader, /Delete/)).click();
    expect(dispatch).toHaveBeenCalledOnceWith(
      WorkOrderFormActions.deleteRequested({ id: 'wo-1', title: 'Fix the pump' }),
    );
  });

  it('has no delete button for a new work order', async () => {
    const { loader } = await render();
    expect(await loader.getHarnessOrNull(MatButtonHarness.with({ text: /Delete/ }))).toBeNull();
  });

  it('blocks a second save while one is on its way, and keeps the input after a failure', async () => {
    const { fixture, loader } = await render('wo-1', { busy: 'saving' });
    const save = await button(loader, 'Saving…');
    expect(await save.isDisabled()).toBeTrue();
    expect(await (await button(loader, /Delete/)).isDisabled()).toBeTrue();
    await (await input(loader, 'title')).setValue('Typed while saving');
    store.setState({ workOrders: { ...initialWorkOrdersState, busy: null } });
    await fixture.whenStable();
    expect(await (await button(loader, 'Save')).isDisabled()).toBeFalse();
    expect(await (await input(loader, 'title')).getValue()).toBe('Typed while saving');
  });

  it('says so when the work order is not on this device', async () => {
    const { element } = await render('missing');
    expect(element.querySelector('[role="alert"]')?.textContent).toContain(
      'This work order is not on this device',
    );
  });
});
