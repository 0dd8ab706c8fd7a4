import { defer, type Observable, of, throwError } from 'rxjs';
import type {
  Checkpoint,
  ManifestResponse,
  PullRequest,
  PullResponse,
  PushChange,
  PushRequest,
  PushResponse,
  PushResult,
  ServerRecord,
} from '../../../../contract/protocol';
import {
  SYNC_TABLES,
  type TableName,
  tableSpec,
  validateRecord,
} from '../../../../contract/tables';
import { SyncError } from '../core';
import type { SyncApi } from '../transport/sync-transport';

type Call = 'manifest' | 'pull' | 'push';

/**
 * An in-memory sync server with the protocol's semantics (per-user revision counter, checkpoints
 * `r:<rev>`, conflicts on a stale base revision, idempotent change ids, read-only master tables),
 * for testing the phases against real RxDB without HTTP. Its answers are synchronous, wrapped in
 * `defer`, so it also runs under `TestScheduler`.
 */
export class FakeSyncApi implements SyncApi {
  private rev = 0;
  private readonly tables = new Map<TableName, Map<string, ServerRecord>>();
  private readonly applied = new Map<string, PushResult>();
  private readonly failures: { call: Call; error: SyncError; skip: number }[] = [];
  private readonly rejections = new Map<string, string>();
  /** Every request, in order, for assertions on round trips and checkpoints. */
  readonly requests: { call: Call; body?: PullRequest | PushRequest }[] = [];
  /** Runs after a pull response is computed and before the client receives it. */
  beforePullResponse: (response: PullResponse) => void = () => undefined;

  /** Writes a record as the server would (a new revision), e.g. another device's change. */
  put(table: TableName, id: string, data: Record<string, unknown>): ServerRecord {
    const record: ServerRecord = { id, rev: ++this.rev, deleted: false, data, updatedAt: this.rev };
    this.table(table).set(id, record);
    return record;
  }

  remove(table: TableName, id: string): void {
    this.table(table).set(id, {
      id,
      rev: ++this.rev,
      deleted: true,
      data: null,
      updatedAt: this.rev,
    });
  }

  get(table: TableName, id: string): ServerRecord | undefined {
    return this.table(table).get(id);
  }

  live(table: TableName): ServerRecord[] {
    return [...this.table(table).values()].filter((record) => !record.deleted);
  }

  /** A later `call` fails with `error`: the next one, or the one after `afterSuccesses` more. */
  failNext(call: Call, error: SyncError, afterSuccesses = 0): void {
    this.failures.push({ call, error, skip: afterSuccesses });
  }

  /** Pushes of this record are rejected with `reason` until `accept` is called. */
  reject(table: TableName, id: string, reason: string): void {
    this.rejections.set(`${table}|${id}`, reason);
  }

  accept(table: TableName, id: string): void {
    this.rejections.delete(`${table}|${id}`);
  }

  manifest(): Observable<ManifestResponse> {
    return this.answer('manifest', undefined, () => ({
      tables: SYNC_TABLES.map((spec) => ({
        name: spec.name,
        kind: spec.kind,
        schemaVersion: spec.schemaVersion,
        count: this.live(spec.name).length,
      })),
    }));
  }

  pull(request: PullRequest): Observable<PullResponse> {
    const stale = request.tables.some(({ checkpoint }) => revOf(checkpoint) > this.rev);
    if (stale) {
      // As the real server: a checkpoint past the revision counter means the data was reset.
      return this.answer('pull', request, () => {
        throw SyncError.http(409, 'checkpoint is ahead of the server');
      });
    }
    return this.answer('pull', request, () => {
      let room = request.limit ?? 1000;
      const response: PullResponse = {
        tables: request.tables.map(({ table, checkpoint }) => {
          const after = revOf(checkpoint);
          const changed = [...this.table(table).values()]
            .filter((record) => record.rev > after)
            .sort((a, b) => a.rev - b.rev);
          const records = changed.slice(0, room);
          room -= records.length;
          const last = records.at(-1);
          return {
            table,
            records,
            checkpoint: last ? `r:${last.rev}` : checkpoint,
            hasMore: changed.length > records.length,
          };
        }),
      };
      this.beforePullResponse(response);
      return response;
    });
  }

  push(request: PushRequest): Observable<PushResponse> {
    return this.answer('push', request, () => ({
      results: request.changes.map((change) => this.applyChange(change)),
    }));
  }

  private applyChange(change: PushChange): PushResult {
    const { table, id, changeId } = change;
    const earlier = this.applied.get(changeId);
    if (earlier) return earlier;
    const reason =
      this.rejections.get(`${table}|${id}`) ??
      (tableSpec(table).kind === 'master' ? `${table} is read-only` : undefined) ??
      (change.deleted ? undefined : validateRecord(table, change.data).join('; ') || undefined);
    if (reason) return { table, id, changeId, status: 'rejected', reason };
    const current = this.get(table, id);
    // A change must be based on the live revision; a new record (null) on no live record.
    const liveRev = current && !current.deleted ? current.rev : null;
    if (change.baseRev !== liveRev) {
      if (!current) return { table, id, changeId, status: 'rejected', reason: 'unknown record' };
      return { table, id, changeId, status: 'conflict', server: current };
    }
    if (change.deleted) this.remove(table, id);
    else this.put(table, id, change.data ?? {});
    const result: PushResult = { table, id, changeId, status: 'applied', rev: this.rev };
    this.applied.set(changeId, result);
    return result;
  }

  private answer<T>(
    call: Call,
    body: PullRequest | PushRequest | undefined,
    respond: () => T,
  ): Observable<T> {
    return defer(() => {
      this.requests.push({ call, body });
      const failure = this.failures.find((f) => f.call === call);
      if (failure && failure.skip-- === 0) {
        this.failures.splice(this.failures.indexOf(failure), 1);
        return throwError(() => failure.error);
      }
      return of(respond());
    });
  }

  private table(name: TableName): Map<string, ServerRecord> {
    let table = this.tables.get(name);
    if (!table) this.tables.set(name, (table = new Map()));
    return table;
  }
}

function revOf(checkpoint: Checkpoint): number {
  return checkpoint === null ? 0 : Number(checkpoint.slice(2));
}
