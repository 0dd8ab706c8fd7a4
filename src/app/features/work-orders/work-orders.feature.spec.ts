import {
  DeleteWorkOrderDialogActions,
  WorkOrderFormActions,
  WorkOrdersListActions,
  WorkOrdersLocalActions,
} from './work-orders.actions';
import { initialWorkOrdersState, workOrdersFeature } from './work-orders.feature';
import { draft } from './work-orders.testing';

const { reducer } = workOrdersFeature;

describe('work-orders feature', () => {
  it('keeps the list filters', () => {
    let state = reducer(
      initialWorkOrdersState,
      WorkOrdersListActions.searchChanged({ search: 'pump' }),
    );
    state = reducer(state, WorkOrdersListActions.statusFilterChanged({ status: 'done' }));
    expect(state).toEqual({ search: 'pump', status: 'done', busy: null });
  });

  it('is busy from a save request until its outcome', () => {
    const saving = reducer(
      initialWorkOrdersState,
      WorkOrderFormActions.saveRequested({ draft: draft() }),
    );
    expect(saving.busy).toBe('saving');
    expect(reducer(saving, WorkOrdersLocalActions.saveFailed({ message: 'no' })).busy).toBeNull();
    expect(
      reducer(
        saving,
        WorkOrdersLocalActions.saveSucceeded({ id: 'a', title: 'A', isNew: true, changed: true }),
      ).busy,
    ).toBeNull();
  });

  it('is busy deleting only once the user confirmed', () => {
    const asked = reducer(
      initialWorkOrdersState,
      WorkOrderFormActions.deleteRequested({ id: 'a', title: 'A' }),
    );
    expect(asked.busy).toBeNull();
    const deleting = reducer(
      asked,
      DeleteWorkOrderDialogActions.confirmed({ id: 'a', title: 'A' }),
    );
    expect(deleting.busy).toBe('deleting');
    expect(
      reducer(deleting, WorkOrdersLocalActions.deleteFailed({ message: 'no' })).busy,
    ).toBeNull();
  });
});
