import { createFeature, createReducer, on } from '@ngrx/store';
import {
  DeleteWorkOrderDialogActions,
  WorkOrderFormActions,
  WorkOrdersListActions,
  WorkOrdersLocalActions,
  type StatusFilter,
} from './work-orders.actions';

/**
 * The list's filters live here so they survive a trip to a work order and back; `busy` lets the
 * form disable its buttons while a save or delete is on its way.
 */
export interface WorkOrdersState {
  readonly search: string;
  readonly status: StatusFilter;
  readonly busy: 'saving' | 'deleting' | null;
}

export const initialWorkOrdersState: WorkOrdersState = { search: '', status: 'all', busy: null };

export const workOrdersFeature = createFeature({
  name: 'workOrders',
  reducer: createReducer(
    initialWorkOrdersState,
    on(WorkOrdersListActions.searchChanged, (state, { search }): WorkOrdersState => ({
      ...state,
      search,
    })),
    on(WorkOrdersListActions.statusFilterChanged, (state, { status }): WorkOrdersState => ({
      ...state,
      status,
    })),
    on(WorkOrderFormActions.saveRequested, (state): WorkOrdersState => ({
      ...state,
      busy: 'saving',
    })),
    on(DeleteWorkOrderDialogActions.confirmed, (state): WorkOrdersState => ({
      ...state,
      busy: 'deleting',
    })),
    on(
      WorkOrdersLocalActions.saveSucceeded,
      WorkOrdersLocalActions.saveFailed,
      WorkOrdersLocalActions.deleteSucceeded,
      WorkOrdersLocalActions.deleteFailed,
      (state): WorkOrdersState => ({ ...state, busy: null }),
    ),
  ),
});

export const { selectSearch, selectStatus, selectBusy } = workOrdersFeature;
