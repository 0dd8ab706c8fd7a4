import { createActionGroup, emptyProps, props } from '@ngrx/store';
import type { WorkOrder, WorkOrderLine, WorkOrderStatus } from '../../../../contract/tables';

/** The list's filter, or every status. */
export type StatusFilter = WorkOrderStatus | 'all';

/** What the form hands over on save: the whole order, its lines to write, and removed lines. */
export interface WorkOrderDraft {
  readonly order: WorkOrder;
  /** New and changed lines; unchanged ones are left alone (every write is a change to push). */
  readonly lines: readonly WorkOrderLine[];
  /** Ids of lines that are stored locally and were removed in the form. */
  readonly removedLineIds: readonly string[];
  readonly isNew: boolean;
}

export const WorkOrdersListActions = createActionGroup({
  source: 'Work Orders List',
  events: {
    'Search Changed': props<{ search: string }>(),
    'Status Filter Changed': props<{ status: StatusFilter }>(),
  },
});

export const WorkOrderFormActions = createActionGroup({
  source: 'Work Order Form',
  events: {
    'Save Requested': props<{ draft: WorkOrderDraft }>(),
    'Delete Requested': props<{ id: string; title: string }>(),
  },
});

export const DeleteWorkOrderDialogActions = createActionGroup({
  source: 'Delete Work Order Dialog',
  events: {
    Confirmed: props<{ id: string; title: string }>(),
    Cancelled: emptyProps(),
  },
});

/** Outcomes of the local writes (SyncStore); the sync engine pushes them on its own. */
export const WorkOrdersLocalActions = createActionGroup({
  source: 'Work Orders Local Store',
  events: {
    'Save Succeeded': props<{ id: string; title: string; isNew: boolean }>(),
    'Save Failed': props<{ message: string }>(),
    'Delete Succeeded': props<{ id: string; title: string }>(),
    'Delete Failed': props<{ message: string }>(),
  },
});
