import type { Customer, Product } from '../../../../contract/tables';
import { workOrder, workOrderLine } from '../../../testing/records';
import type { WorkOrderDraft } from './work-orders.actions';

/** Spec fixtures shared by the work-order specs. */
export const CUSTOMERS: Customer[] = [
  { id: 'c1', name: 'Acme Corp', email: 'a@acme.test', phone: '1', city: 'Oslo', address: 'x' },
  { id: 'c2', name: 'Globex', email: 'g@globex.test', phone: '2', city: 'Bergen', address: 'y' },
];

export const PRODUCTS: Product[] = [
  { id: 'p1', sku: 'FLT-1', name: 'Filter', unit: 'pcs', unitPrice: 12.5 },
  { id: 'p2', sku: 'VLV-2', name: 'Valve', unit: 'pcs', unitPrice: 40 },
];

export function draft(overrides: Partial<WorkOrderDraft> = {}): WorkOrderDraft {
  return {
    order: workOrder('wo-1', { title: 'Fix the pump' }),
    orderChanges: null,
    newLines: [workOrderLine('l1', 'wo-1')],
    changedLines: [],
    removedLineIds: [],
    ...overrides,
  };
}
