/**
 * The user actions of a history, run on a device through the app's SyncStore, each recorded in
 * the ledger with the version the user saw.
 */
import { firstValueFrom } from 'rxjs';

import type { ServerRecord } from '../contract/protocol';
import type { TableName, WorkOrder, WorkOrderLine } from '../contract/tables';
import type { Ledger, Fields } from './ledger';
import { resolveOnDevice } from './resolve';
import type { LocalDoc, SimDevice } from './sim-device';
import type { UserStep } from './steps';

/** Forms opened on a device: the version each showed when it was opened, by order id. */
export type OpenForms = Map<SimDevice, { id: string; shown: Fields }[]>;

export interface ActionContext {
  readonly ledger: Ledger;
  readonly forms: OpenForms;
  /** The step's number: makes every typed value unique (`T12`). */
  readonly step: number;
  readonly where: string;
  /** The server's current version of a record (what a resolution fetches), for the ledger. */
  readonly serverVersion: (table: TableName, id: string) => Promise<ServerRecord | undefined>;
  /** The server's live lines of an order, for the ledger. */
  readonly serverLines: (orderId: string) => Promise<ServerRecord[]>;
}

const CUSTOMER = 'cus-000001';
const PRODUCT = 'prd-000001';

export async function runUserStep(device: SimDevice, action: UserStep, context: ActionContext) {
  const { ledger, step, where } = context;
  const store = device.store;
  const orders = () => live(device, 'workOrders');
  const lines = () => live(device, 'workOrderLines');
  switch (action.op) {
    case 'createOrder': {
      const id = `${device.name}-wo${step}`;
      const order: WorkOrder = {
        id,
        title: `T${step}`,
        customerId: CUSTOMER,
        status: action.status,
        notes: `N${step}`,
      };
      await firstValueFrom(store.upsertLocal('workOrders', order));
      ledger.write(`workOrders|${id}`, undefined, order, where);
      for (let i = 0; i < action.lines; i++) await addLine(device, context, id, i);
      return;
    }
    case 'addLine': {
      const order = pick(await orders(), action.k);
      if (order) await addLine(device, context, order.id, 9);
      return;
    }
    case 'editOrder':
    case 'saveForm': {
      const target =
        action.op === 'editOrder'
          ? pick(await orders(), action.k)?.id
          : pick(context.forms.get(device) ?? [], action.f)?.id;
      if (!target) return;
      const current = (await orders()).find((doc) => doc.id === target);
      // The form of a deleted order says so and writes nothing.
      if (!current) return;
      const patch: Record<string, unknown> = {};
      if (action.title) patch['title'] = `T${step}`;
      if (action.notes) patch['notes'] = `N${step}`;
      if (action.status) patch['status'] = action.status;
      if (Object.keys(patch).length === 0) return;
      await firstValueFrom(store.patchLocal('workOrders', target, patch));
      ledger.write(`workOrders|${target}`, current, patch, where);
      return;
    }
    case 'editLine': {
      const line = pick(await lines(), action.k);
      if (!line) return;
      const patch: Record<string, unknown> = {};
      if (action.quantity) patch['quantity'] = step * 10 + 5;
      if (action.note) patch['note'] = `L${step}`;
      if (Object.keys(patch).length === 0) return;
      await firstValueFrom(store.patchLocal('workOrderLines', line.id, patch));
      ledger.write(`workOrderLines|${line.id}`, line, patch, where);
      return;
    }
    case 'deleteOrder': {
      const order = pick(await orders(), action.k);
      if (!order) return;
      // As the app's repository does: the lines it knows first, then the order.
      for (const line of (await lines()).filter((doc) => doc.workOrderId === order.id)) {
        await firstValueFrom(store.deleteLocal('workOrderLines', line.id));
        ledger.delete(`workOrderLines|${line.id}`, line, step, where);
      }
      await firstValueFrom(store.deleteLocal('workOrders', order.id));
      ledger.delete(`workOrders|${order.id}`, order, step, where);
      return;
    }
    case 'deleteLine': {
      const line = pick(await lines(), action.k);
      if (!line) return;
      await firstValueFrom(store.deleteLocal('workOrderLines', line.id));
      ledger.delete(`workOrderLines|${line.id}`, line, step, where);
      return;
    }
    case 'openForm': {
      const order = pick(await orders(), action.k);
      if (!order) return;
      const forms = context.forms.get(device) ?? [];
      forms.push({ id: order.id, shown: order });
      context.forms.set(device, forms.slice(-4));
      return;
    }
    case 'resolve': {
      const letters = await deadLetters(device);
      const letter = pick(letters, action.k);
      if (letter) await resolveDeadLetter(device, context, letter, action.action);
      return;
    }
  }
}

/** Resolves one dead letter; records in the ledger what the user chose to drop. */
export async function resolveDeadLetter(
  device: SimDevice,
  context: ActionContext,
  letter: LocalDoc & { table: TableName },
  action: 'keepMine' | 'useServer' | 'retry' | 'discard',
): Promise<void> {
  const key = `${letter.table}|${letter.id}`;
  const server = await context.serverVersion(letter.table, letter.id);
  // Keeping an order's deletion deletes its lines, on the server and on the device (rule 4).
  const deletesLines = letter.table === 'workOrders' && letter.localDeleted;
  const linesBefore = deletesLines ? await linesOf(device, letter.id) : [];
  const done = await resolveOnDevice(device, letter, action);
  if (done === 'refused') return;
  if (done === 'keepMine') {
    context.ledger.told(key, server?.data ?? null, context.step, true);
    if (deletesLines) {
      // The server's lines: the conflict told the user the order has them.
      for (const line of await context.serverLines(letter.id)) {
        context.ledger.told(`workOrderLines|${line.id}`, line.data, context.step);
      }
      // The device's own, as it held them: deleted by the user's choice, like "delete order".
      const linesAfter = await linesOf(device, letter.id);
      context.ledger.cascadeDeleted(
        'workOrderLines',
        linesBefore,
        linesAfter,
        context.step,
        context.where,
      );
    }
  } else if (done === 'dropped') {
    context.ledger.told(key, letter, context.step);
    if (letter.localDeleted) context.ledger.droppedDelete(key, context.step);
  } else context.ledger.told(key, null, context.step);
}

async function addLine(device: SimDevice, context: ActionContext, orderId: string, i: number) {
  const id = `${device.name}-l${context.step}-${i}`;
  const line: WorkOrderLine = {
    id,
    workOrderId: orderId,
    productId: PRODUCT,
    quantity: context.step * 10 + i,
    note: `L${context.step}-${i}`,
  };
  await firstValueFrom(device.store.upsertLocal('workOrderLines', line));
  context.ledger.write(`workOrderLines|${id}`, undefined, line, context.where);
}

/** An order's lines as the device stores them, its local deletions included. */
async function linesOf(device: SimDevice, orderId: string): Promise<LocalDoc[]> {
  return (await device.docs('workOrderLines')).filter((doc) => doc.workOrderId === orderId);
}

/** Records the user sees: stored, not locally deleted, sorted by id. */
export async function live(device: SimDevice, table: TableName): Promise<LocalDoc[]> {
  const docs = await device.docs(table);
  return docs.filter((doc) => !doc.localDeleted).sort((a, b) => a.id.localeCompare(b.id));
}

export async function deadLetters(device: SimDevice): Promise<(LocalDoc & { table: TableName })[]> {
  const all: (LocalDoc & { table: TableName })[] = [];
  for (const table of ['workOrders', 'workOrderLines'] as const) {
    for (const doc of await device.docs(table)) if (doc.syncDeadLetter) all.push({ ...doc, table });
  }
  return all.sort((a, b) => `${a.table}|${a.id}`.localeCompare(`${b.table}|${b.id}`));
}

function pick<T>(items: readonly T[], k: number): T | undefined {
  return items.length === 0 ? undefined : items[k % items.length];
}
