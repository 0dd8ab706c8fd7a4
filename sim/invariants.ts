/**
 * The state invariants after the quiet phase: every device holds exactly the server's live
 * records, with nothing pending, parked or stale, and no live line sits under a deleted order,
 * on the server or on any device.
 */
import type { ServerRecord } from '../contract/protocol';
import { tableSpec, type TableName } from '../contract/tables';
import type { LocalDoc, SimDevice } from './sim-device';
import { SIM_TABLES } from './sim-device';
import { serverRecords, type SimServer } from './sim-server';

export async function checkConvergence(
  server: SimServer,
  userId: string,
  devices: readonly SimDevice[],
  activate: (device: SimDevice) => Promise<SimDevice>,
): Promise<string[]> {
  const found: string[] = [];
  const records = await serverRecords(server, userId);
  const serverLive = new Map<string, string>();
  for (const [key, record] of records) {
    if (record.table !== 'workOrders' && record.table !== 'workOrderLines') continue;
    if (!record.deleted) serverLive.set(key, fingerprint(record.table, record.data ?? {}));
  }
  found.push(...orphans('server', [...records.values()].filter((r) => !r.deleted).map(toEntry)));

  for (const device of devices) {
    await activate(device);
    const local = new Map<string, string>();
    const entries: Entry[] = [];
    for (const spec of SIM_TABLES) {
      for (const doc of await device.docs(spec.name)) {
        const key = `${spec.name}|${doc.id}`;
        const flags = localFlags(doc);
        if (flags) found.push(`${device.name}: ${key} is still ${flags}`);
        if (doc.localDeleted) continue;
        local.set(key, fingerprint(spec.name, doc));
        entries.push({ table: spec.name, id: doc.id, data: doc });
      }
    }
    for (const [key, value] of serverLive) {
      const mine = local.get(key);
      if (mine === undefined) found.push(`${device.name}: missing ${key} (server: ${value})`);
      else if (mine !== value)
        found.push(`${device.name}: ${key} differs: local ${mine}, server ${value}`);
    }
    for (const key of local.keys()) {
      if (!serverLive.has(key)) {
        const record = records.get(key);
        found.push(
          `${device.name}: has ${key}, which the server ${record ? 'deleted' : 'never had'}`,
        );
      }
    }
    found.push(...orphans(device.name, entries));
  }
  return found;
}

interface Entry {
  readonly table: string;
  readonly id: string;
  readonly data: Readonly<Record<string, unknown>>;
}

function toEntry(record: ServerRecord & { table: string }): Entry {
  return { table: record.table, id: record.id, data: record.data ?? {} };
}

function orphans(where: string, entries: readonly Entry[]): string[] {
  const orders = new Set(entries.filter((e) => e.table === 'workOrders').map((e) => e.id));
  return entries
    .filter((e) => e.table === 'workOrderLines' && !orders.has(String(e.data['workOrderId'])))
    .map((e) => `${where}: live line ${e.id} under deleted order ${String(e.data['workOrderId'])}`);
}

/** The declared fields only, absent and null alike, in a stable order. */
function fingerprint(table: TableName, data: Readonly<Record<string, unknown>>): string {
  const fields = Object.keys(tableSpec(table).fields).sort();
  return JSON.stringify(fields.map((field) => data[field] ?? null));
}

function localFlags(doc: LocalDoc): string {
  const flags: string[] = [];
  if (doc.syncPending) flags.push('pending');
  if (doc.syncDeadLetter) flags.push('a dead letter');
  if ((doc as { syncStale?: boolean }).syncStale) flags.push('stale');
  return flags.join(' and ');
}
