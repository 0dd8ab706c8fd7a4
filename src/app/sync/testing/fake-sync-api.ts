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
  RecordsRequest,
  RecordsResponse,
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
import { decideChange, type EffectiveBase } from './fake-sync-rules';

type Call = 'manifest' | 'pull' | 'push' | 'records';
type Body = PullRequest | PushRequest | RecordsRequest;

/** An applied change as the server remembers it: its result and the version it wrote. */
interface AppliedChange {
  readonly table: TableName;
  readonly id: string;
  readonly written: ServerRecord;
}

/**
 * An in-memory sync server with the protocol's semantics (per-user revision counter, checkpoints
 * `r:<rev>`, an epoch, the integrity rules: three-way merge, conflicts, prior changes, deletes
 * of referenced records; idempotent change ids, read-only master tables), for testing the
 * phases against real RxDB without HTTP. Its answers are synchronous, wrapped in `defer`, so it
 * also runs under `TestScheduler`.
 */
export class FakeSyncApi implements SyncApi {
  private rev = 0;
  private readonly tables = new Map<TableName, Map<string, ServerRecord>>();
  private readonly applied = new Map<string, AppliedChange>();
  private readonly failures: { call: Call; error: SyncError; skip: number }[] = [];
  private readonly rejections = new Map<string, string>();
  /** The server's identity; `replaceData()` changes it, as a restore from a backup does. */
  epoch = 'epoch-1';
  /** Every request, in order, for assertions on round trips and checkpoints. */
  readonly requests: { call: Call; body?: Body }[] = [];

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

  /**
   * The server's data replaced (a restore, a reset): everything forgotten, revisions from 0, a
   * new epoch. Put the restored records back with `put()`.
   */
  replaceData(epoch: string): void {
    this.tables.clear();
    this.applied.clear();
    this.rev = 0;
    this.epoch = epoch;
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
        epoch: this.epoch,
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
      return response;
    });
  }

  push(request: PushRequest): Observable<PushResponse> {
    return this.answer('push', request, () => ({
      results: request.changes.map((change) => this.applyChange(change)),
    }));
  }

  records(request: RecordsRequest): Observable<RecordsResponse> {
    return this.answer('records', request, () => ({
      epoch: this.epoch,
      records: request.ids
        .map((id) => this.get(request.table, id))
        .filter((record) => record !== undefined),
    }));
  }

  private applyChange(change: PushChange): PushResult {
    const { table, id, changeId } = change;
    const earlier = this.applied.get(changeId);
    // A re-sent change: its first outcome, with the record's version now.
    if (earlier) return this.appliedResult(change, this.get(table, id) ?? earlier.written);
    const reason =
      this.rejections.get(`${table}|${id}`) ??
      (tableSpec(table).kind === 'master' ? `${table} is read-only` : undefined) ??
      (change.deleted ? undefined : validateRecord(table, change.data).join('; ') || undefined);
    if (reason) return { table, id, changeId, status: 'rejected', reason };
    const current = this.get(table, id);
    const decision = decideChange(
      change,
      current,
      this.effectiveBase(change),
      this.liveChildren(table, id),
    );
    switch (decision.kind) {
      case 'conflict':
        return {
          table,
          id,
          changeId,
          status: 'conflict',
          server: current as ServerRecord,
          fields: decision.fields,
          reason: decision.reason,
        };
      case 'noop':
        return this.remember(change, current as ServerRecord);
      case 'delete':
        this.remove(table, id);
        return this.remember(change, this.get(table, id) as ServerRecord);
      case 'write':
        return this.remember(change, this.put(table, id, decision.data));
    }
  }

  /** Rule 5: the newest version one of the change's priors wrote, else what it names. */
  private effectiveBase(change: PushChange): EffectiveBase {
    let base: EffectiveBase = { rev: change.baseRev, data: change.base ?? null };
    for (const prior of change.priorChangeIds ?? []) {
      const applied = this.applied.get(prior);
      if (!applied || applied.table !== change.table || applied.id !== change.id) continue;
      if (base.rev === null || applied.written.rev > base.rev) {
        base = { rev: applied.written.rev, data: priorBase(change, applied.written) };
      }
    }
    return base;
  }

  /** Live records of other tables referring to this one (rule 4). */
  private liveChildren(table: TableName, id: string): number {
    let count = 0;
    for (const spec of SYNC_TABLES) {
      for (const [field, fieldSpec] of Object.entries(spec.fields)) {
        if (fieldSpec.references !== table) continue;
        count += this.live(spec.name).filter((record) => record.data?.[field] === id).length;
      }
    }
    return count;
  }

  private remember(change: PushChange, written: ServerRecord): PushResult {
    this.applied.set(change.changeId, { table: change.table, id: change.id, written });
    return this.appliedResult(change, written);
  }

  private appliedResult(change: PushChange, record: ServerRecord): PushResult {
    const { table, id, changeId } = change;
    return { table, id, changeId, status: 'applied', rev: record.rev, record };
  }

  private answer<T>(call: Call, body: Body | undefined, respond: () => T): Observable<T> {
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

/**
 * The merge base when a prior of the change was applied and wrote `written`: the device's edits
 * are still the fields where `data` differs from the base it names; for those, `written` is
 * what the server had after the device's own write. The other fields are set to the change's
 * own value, so the merge keeps the server's: `written` may hold another device's edit (merged
 * in by the prior), which the device never saw and whose field it did not touch.
 */
function priorBase(change: PushChange, written: ServerRecord): Record<string, unknown> | null {
  if (!written.data || !change.data) return written.data;
  const known = change.base;
  if (!known) return written.data;
  const base: Record<string, unknown> = { ...written.data };
  for (const field of Object.keys(tableSpec(change.table).fields)) {
    const edited = (change.data[field] ?? null) !== (known[field] ?? null);
    if (!edited) base[field] = change.data[field];
  }
  return base;
}

function revOf(checkpoint: Checkpoint): number {
  return checkpoint === null ? 0 : Number(checkpoint.slice(2));
}
