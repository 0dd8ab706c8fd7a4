/**
 * Fixtures for the integrity-rule tests (docs/protocol.md, "Integrity rules"): edits made the way
 * a device makes them (with their base), outcome narrowing, and the records endpoint.
 */
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import type {
  PushChange,
  PushResult,
  RecordsResponse,
  ServerRecord,
} from '../../contract/protocol';
import type { TableName } from '../../contract/tables';
import { currentRevision, readRecord } from '../src/store/records';
import { call, change, push, workOrder } from './helpers';

export type Applied = Extract<PushResult, { status: 'applied' }>;
export type Conflict = Extract<PushResult, { status: 'conflict' }>;

export function asApplied(result: PushResult | undefined): Applied {
  assert.equal(result?.status, 'applied', JSON.stringify(result));
  return result as Applied;
}

export function asConflict(result: PushResult | undefined): Conflict {
  assert.equal(result?.status, 'conflict', JSON.stringify(result));
  return result as Conflict;
}

/**
 * A device's edit of `record` as it last saw it: `patch` over the fields it had, with that
 * version as the base.
 */
export function edit(
  table: TableName,
  record: ServerRecord,
  patch: Record<string, unknown>,
  extra: Partial<PushChange> = {},
): PushChange {
  return change(
    table,
    record.id,
    { ...record.data, ...patch },
    {
      baseRev: record.rev,
      base: record.data,
      ...extra,
    },
  );
}

/** A device's deletion of `record` as it last saw it. */
export function deletion(
  table: TableName,
  record: ServerRecord,
  extra: Partial<PushChange> = {},
): PushChange {
  return change(table, record.id, null, { deleted: true, baseRev: record.rev, ...extra });
}

/** A new work order, created and acknowledged: the version every device then holds. */
export async function createdOrder(
  app: FastifyInstance,
  token: string,
  id: string,
): Promise<ServerRecord> {
  const result = await pushOne(app, token, change('workOrders', id, workOrder()));
  assert.equal(result.status, 'applied');
  return (result as Applied).record;
}

/** One change, one result. */
export async function pushOne(
  app: FastifyInstance,
  token: string,
  pushed: PushChange,
): Promise<PushResult> {
  const result = (await push(app, token, [pushed])).results[0];
  assert.ok(result);
  return result;
}

/** The server's state of a user's data, to show that an outcome wrote nothing. */
export async function writeState(app: FastifyInstance, userId: string) {
  const changes = await app.db.query<{ n: unknown }>(
    'SELECT count(*) AS n FROM applied_changes WHERE user_id = $1',
    [userId],
  );
  return { rev: await currentRevision(app.db, userId), remembered: Number(changes.rows[0]?.n) };
}

export function stored(app: FastifyInstance, userId: string, table: TableName, id: string) {
  return readRecord(app.db, userId, table, id);
}

export async function fetchRecords(
  app: FastifyInstance,
  token: string,
  table: TableName,
  ids: string[],
): Promise<RecordsResponse> {
  const response = await call<RecordsResponse>(app, 'POST', '/api/sync/records', {
    token,
    body: { table, ids },
  });
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return response.body;
}
