import type { Customer, WorkOrder } from '../../../../contract/tables';
import type { TableQuery } from '../../sync';
import type { StatusFilter } from './work-orders.actions';

/** What the list shows: the filters and the page the user is on. */
export interface WorkOrderListQuery {
  readonly search: string;
  readonly status: StatusFilter;
  /** The page asked for; a page past the last one shows the last one. */
  readonly index: number;
  readonly size: number;
}

/** One page of the matching work orders, read from the local database. */
export interface WorkOrderListPage {
  readonly orders: WorkOrder[];
  /** All the matching work orders, counted by the storage. */
  readonly total: number;
  /** Of those, the ones with a change not synced yet. */
  readonly unsynced: number;
  /** The page shown: `query.index`, or the last page when the filters left fewer. */
  readonly index: number;
  /** The names of the customers of this page's orders, by id. */
  readonly customerNames: ReadonlyMap<string, string>;
}

/** A selector over work orders (the store adds "not deleted locally"). */
export type WorkOrderSelector = NonNullable<TableQuery<'workOrders'>['selector']>;
type CustomerSelector = NonNullable<TableQuery<'customers'>['selector']>;

/** The search term as the storage matches it: a case-insensitive substring, taken literally. */
export function containsPattern(term: string): { $regex: string; $options: string } {
  return { $regex: term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), $options: 'i' };
}

/** The customers whose name contains the term, for the search by customer name. */
export function customerNameSelector(term: string): CustomerSelector {
  return { name: containsPattern(term) };
}

/**
 * The work orders a search and a status filter match: the status, and the term in the title or
 * in the name of one of `customers` (those whose name contains it).
 */
export function workOrderSelector(
  term: string,
  status: StatusFilter,
  customers: readonly Pick<Customer, 'id'>[],
): WorkOrderSelector {
  const byStatus: WorkOrderSelector = status === 'all' ? {} : { status };
  if (!term) return byStatus;
  const inTitle = { title: containsPattern(term) };
  const byCustomer = { customerId: { $in: customers.map((customer) => customer.id) } };
  return { ...byStatus, $or: [inTitle, byCustomer] };
}

/** The page to show of `total` matches: the one asked for, or the last one. */
export function clampedPageIndex(index: number, size: number, total: number): number {
  return Math.min(index, Math.max(0, Math.ceil(total / size) - 1));
}
