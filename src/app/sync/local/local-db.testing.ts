/**
 * Spec fixtures: a fresh in-memory database per test (unique name, dev-mode checks and schema
 * validation on), a deterministic clock and change ids, and record builders.
 */
import type { Provider } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';

import type { PushResult, ServerRecord } from '../../../../contract/protocol';
import {
  SYNC_TABLES,
  type TableName,
  type TableSpec,
  type WorkOrder,
  type WorkOrderLine,
} from '../../../../contract/tables';
import { workOrder, workOrderLine } from '../../../testing/records';
import { lastValueFrom } from 'rxjs';
import { LocalDatabase, type LocalDbHandle } from './local-database';
import { withDevTooling, type SyncStoreConfig } from './local-db.tokens';
import { localStoreProviders } from './standalone-injector';
import type { SyncStore } from './sync-store';

export interface TestDbOptions {
  registry?: readonly TableSpec[];
  config?: Partial<SyncStoreConfig>;
}

// The record builders live with every spec's shared fixtures; re-exported for the engine's specs.
export { workOrder, workOrderLine };

/** Clock start of every test: ticks 1 ms per read, so "oldest first" is deterministic. */
export const TEST_EPOCH = 1_700_000_000_000;

export function provideTestLocalDb(options: TestDbOptions = {}): Provider[] {
  let time = TEST_EPOCH;
  let changes = 0;
  return localStoreProviders({
    storage: () => withDevTooling(getRxStorageMemory()),
    name: `test-${crypto.randomUUID()}`,
    multiInstance: false,
    clock: () => time++,
    newChangeId: () => `change-${++changes}`,
    registry: options.registry ?? SYNC_TABLES,
    config: { maxAttempts: 3, logLimit: 2000, logTrimEvery: 100, ...options.config },
  });
}

/**
 * Deletes the test's database. RxDB's free tier allows 13 open collections in the whole page, so
 * a database left open fails the next tests.
 */
export function removeTestLocalDb(): Promise<void> {
  return TestBed.inject(LocalDatabase).remove();
}

export function serverWorkOrder(
  id: string,
  rev: number,
  overrides: Partial<WorkOrder> = {},
): ServerRecord {
  const { id: _id, ...data } = workOrder(id, overrides);
  return { id, rev, deleted: false, data, updatedAt: TEST_EPOCH };
}

export function tombstone(id: string, rev: number): ServerRecord {
  return { id, rev, deleted: true, data: null, updatedAt: TEST_EPOCH };
}

export function serverLine(
  id: string,
  rev: number,
  workOrderId: string,
  overrides: Partial<WorkOrderLine> = {},
): ServerRecord {
  const { id: _id, ...data } = workOrderLine(id, workOrderId, overrides);
  return { id, rev, deleted: false, data, updatedAt: TEST_EPOCH };
}

/** An `applied` push result whose server version is `record`. */
export function appliedResult(
  table: TableName,
  changeId: string,
  record: ServerRecord,
): PushResult {
  return { table, id: record.id, changeId, status: 'applied', rev: record.rev, record };
}

/** A `conflict` push result against the server's version `server`. */
export function conflictResult(
  table: TableName,
  changeId: string,
  server: ServerRecord,
  fields: string[] = [],
  reason = 'conflict',
): PushResult {
  return { table, id: server.id, changeId, status: 'conflict', server, fields, reason };
}

/** A stored work order as plain JSON (metadata included), or undefined. */
export async function storedWorkOrder(handle: LocalDbHandle, id: string) {
  return (await handle.table('workOrders').findOne(id).exec())?.toJSON();
}

/** Writes one pulled page of work orders; resolves to the record counts of the result. */
export async function pullWorkOrders(store: SyncStore, records: readonly ServerRecord[]) {
  const { checkpointSaved: _saved, ...counts } = await lastValueFrom(
    store.applyPulledBatch('u1', 'workOrders', records, 'cp-next'),
  );
  return counts;
}
