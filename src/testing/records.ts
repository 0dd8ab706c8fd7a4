import type { WorkOrder, WorkOrderLine } from '../../contract/tables';

/** Record builders shared by every spec, of the engine and of the features alike. */

export function workOrder(id: string, overrides: Partial<WorkOrder> = {}): WorkOrder {
  return { id, title: `Order ${id}`, customerId: 'c1', status: 'open', ...overrides };
}

export function workOrderLine(
  id: string,
  workOrderId: string,
  overrides: Partial<WorkOrderLine> = {},
): WorkOrderLine {
  return { id, workOrderId, productId: 'p1', quantity: 1, ...overrides };
}
