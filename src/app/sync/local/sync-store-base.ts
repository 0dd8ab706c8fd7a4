/**
 * The pull half of the repository (pages, checkpoints, epochs) and what both halves share: the
 * database handle and the one-shot/live helpers. `SyncStore` extends it with the features' and
 * the push's side; split only to keep each file readable.
 */
import { inject } from '@angular/core';
import { defer, switchMap, type Observable } from 'rxjs';

import type { Checkpoint, ServerRecord } from '../../../../contract/protocol';
import type { TableName, TableSpec } from '../../../../contract/tables';
import * as checkpoints from './checkpoint-store';
import { LocalDatabase, type LocalDbHandle } from './local-database';
import { LOCAL_CLOCK, PULL_WRITE_HOOKS } from './local-db.tokens';
import { writePulledRecords, type PullWriteCounts } from './pull-writer';
import * as resync from './resync-store';
import type { EpochState, ResyncCounts } from './resync-store';

/** One pulled page written: the record counts, and whether its checkpoint was saved. */
export type PulledBatchResult = PullWriteCounts & {
  /** False when the table's checkpoints were reset since the pull started (rule 7). */
  readonly checkpointSaved: boolean;
};

export abstract class SyncStoreBase {
  protected readonly database = inject(LocalDatabase);
  protected readonly clock = inject(LOCAL_CLOCK);
  // Optional: a store built with Injector.create (the simulation, in Node) has no root injector
  // to run the token's factory in, and providers written before the token existed still work.
  private readonly pullHooks = inject(PULL_WRITE_HOOKS, { optional: true }) ?? {};

  // --- pull -------------------------------------------------------------------------------------

  /**
   * Writes one pulled page, then saves the table's checkpoint. Saved after the records on
   * purpose: a crash in between pulls the page again, and writing it twice changes nothing.
   * With `generation` (from `pullPosition` when the pull started), the checkpoint is saved only
   * if no reset happened since, checked in the same write (rule 7); without it, always.
   */
  applyPulledBatch(
    userId: string,
    table: TableName,
    records: readonly ServerRecord[],
    checkpoint: Checkpoint,
    generation?: number,
  ): Observable<PulledBatchResult> {
    return this.run(async (handle) => {
      const counts = await writePulledRecords(
        handle.anyTable(table),
        specOf(handle, table),
        records,
        this.pullHooks,
      );
      await this.pullHooks.beforeCheckpoint?.(table, checkpoint);
      const now = this.clock();
      const saved =
        generation === undefined
          ? await checkpoints
              .patchCheckpoint(handle.checkpoints, userId, table, { checkpoint }, now)
              .then(() => true)
          : await checkpoints.saveCheckpointFenced(
              handle.checkpoints,
              userId,
              table,
              checkpoint,
              generation,
              now,
            );
      return { ...counts, checkpointSaved: saved };
    });
  }

  checkpoint(userId: string, table: TableName): Observable<Checkpoint> {
    return this.run((handle) => checkpoints.readCheckpoint(handle.checkpoints, userId, table));
  }

  /** The table's checkpoint and the generation it belongs to, read when a pull starts. */
  pullPosition(userId: string, table: TableName): Observable<checkpoints.PullPosition> {
    return this.run((handle) => checkpoints.readPosition(handle.checkpoints, userId, table));
  }

  setCheckpoint(userId: string, table: TableName, checkpoint: Checkpoint): Observable<void> {
    return this.run((handle) =>
      checkpoints.patchCheckpoint(handle.checkpoints, userId, table, { checkpoint }, this.clock()),
    );
  }

  completedInitialTables(userId: string): Observable<TableName[]> {
    return this.run((handle) => checkpoints.readCompletedTables(handle.checkpoints, userId));
  }

  markInitialComplete(userId: string, table: TableName): Observable<void> {
    return this.run((handle) =>
      checkpoints.patchCheckpoint(
        handle.checkpoints,
        userId,
        table,
        { initialComplete: true },
        this.clock(),
      ),
    );
  }

  /**
   * Pull these tables from the start again (a master-data re-sync); records are kept, and the
   * tables stay initially synced (the gate stays shut). Fences off a running pull (rule 7).
   */
  resetCheckpoints(userId: string, tables: readonly TableName[]): Observable<void> {
    return this.run((handle) =>
      checkpoints.clearCheckpoints(handle.checkpoints, userId, tables, this.clock()),
    );
  }

  // --- epochs (rule 8; the steps are described in resync-store.ts) -----------------------------

  epochState(userId: string): Observable<EpochState> {
    return this.run((handle) => resync.readEpochState(handle, userId));
  }

  saveEpoch(userId: string, epoch: string): Observable<void> {
    return this.run((handle) => resync.saveEpoch(handle, userId, epoch));
  }

  /** Records a resync to `target` (null: not known yet), marks everything stale, resets all. */
  startResync(userId: string, target: string | null): Observable<void> {
    return this.run((handle) => resync.startResync(handle, userId, target, this.clock()));
  }

  setResyncTarget(userId: string, target: string): Observable<void> {
    return this.run((handle) => resync.setResyncTarget(handle, userId, target));
  }

  /** After pulling everything: settles what is still stale, stores `epoch`, ends the resync. */
  finishResync(userId: string, epoch: string): Observable<ResyncCounts> {
    return this.run((handle) => resync.finishResync(handle, userId, epoch));
  }

  // --- ownership --------------------------------------------------------------------------------

  /**
   * Run before anything local is shown: if the data belongs to another user (or to nobody
   * recorded), wipes records, checkpoints and log, then records `userId` as the owner.
   * Emits whether it wiped.
   */
  ensureOwner(userId: string): Observable<boolean> {
    return this.run((handle) => checkpoints.takeOwnership(handle, userId));
  }

  owner(): Observable<string | null> {
    return this.run((handle) => checkpoints.readOwner(handle));
  }

  /**
   * Opens the local database without reading anything of it: the login opens it while its
   * request is on its way, so the first sync after the answer does not wait for it.
   */
  open(): Observable<void> {
    return defer(async () => {
      await this.database.open();
    });
  }

  // --- helpers ----------------------------------------------------------------------------------

  protected run<R>(operation: (handle: LocalDbHandle) => Promise<R>): Observable<R> {
    return defer(async () => operation(await this.database.open()));
  }

  protected withHandle<R>(read: (handle: LocalDbHandle) => Observable<R>): Observable<R> {
    // switchMap: a read; the handle emits once, so there is never a previous inner to drop.
    return defer(() => this.database.open()).pipe(switchMap(read));
  }
}

export function specOf(handle: LocalDbHandle, table: TableName): TableSpec {
  const spec = handle.tables.find((candidate) => candidate.name === table);
  if (!spec) throw new Error(`"${table}" is not a sync table of the registry`);
  return spec;
}
