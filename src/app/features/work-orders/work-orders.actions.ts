import { createActionGroup, emptyProps, props } from '@ngrx/store';
import type { WorkOrder, WorkOrderLine, WorkOrderStatus } from '../../../../contract/tables';

/** The list's filter, or every status. */
export type StatusFilter = WorkOrderStatus | 'all';

/** The fields of an order a save writes: `undefined` removes an optional field. */
export type OrderChanges = Partial<Omit<WorkOrder, 'id'>>;
/** The fields of a stored line a save writes (a line never moves to another order). */
export type LineChanges = Partial<Omit<WorkOrderLine, 'id' | 'workOrderId'>>;

/**
 * What the form hands over on save. A stored record gets only the fields the user changed,
 * never the form's whole snapshot: another device may have changed the others meanwhile.
 */
export interface WorkOrderDraft {
  /** The order as the form shows it: checked against the registry, and named in the toast. */
  readonly order: WorkOrder;
  /** The fields the user changed (`{}`: none); null for a new order, which is written whole. */
  readonly orderChanges: OrderChanges | null;
  readonly newLines: readonly WorkOrderLine[];
  /** Stored lines the user changed: the line as shown (for the checks) and its changed fields. */
  readonly changedLines: readonly { readonly line: WorkOrderLine; readonly changes: LineChanges }[];
  /** Ids of lines that are stored locally and were removed in the form. */
  readonly removedLineIds: readonly string[];
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
    /** `changed`: false when there was nothing to write. */
    'Save Succeeded': props<{ id: string; title: string; isNew: boolean; changed: boolean }>(),
    'Save Failed': props<{ message: string }>(),
    'Delete Succeeded': props<{ id: string; title: string }>(),
    'Delete Failed': props<{ message: string }>(),
  },
});
