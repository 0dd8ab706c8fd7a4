/**
 * A simulated device: the app's real SyncStore and engine phases (Angular DI in Node, RxDB on a
 * memory storage that survives a crash), talking to the real server through `SimNetwork`.
 * Everything a device remembers across a crash is in its storage; the objects here are rebuilt.
 */
import '@angular/compiler';
import './immediate-timers';
import type { Injector } from '@angular/core';
import { concat, lastValueFrom, tap, type Observable } from 'rxjs';

import { SYNC_TABLES, type TableName, type TableSpec } from '../contract/tables';
import type { PhaseProgress, RunContext } from '../src/app/sync/core/types';
import { pullPhase } from '../src/app/sync/engine/pull-phase';
import { pushPhase } from '../src/app/sync/engine/push-phase';
import { LocalDatabase } from '../src/app/sync/local/local-database';
import type { SyncDoc } from '../src/app/sync/local/local-schemas';
import { standaloneStoreInjector } from '../src/app/sync/local/standalone-injector';
import { SyncStore } from '../src/app/sync/local/sync-store';
import type { SyncApi } from '../src/app/sync/transport/sync-transport';
import { crashableMemoryStorage, type CrashSwitch } from './crash-storage';
import type { SimNetwork } from './sim-network';

/** Only the tables users edit: the master tables add nothing but collections (RxDB allows 13). */
export const SIM_TABLES: readonly TableSpec[] = SYNC_TABLES.filter(
  (spec) => spec.kind === 'transactional',
);

export type SyncResult = 'ok' | 'failed' | 'crashed';

/** A stored document with its metadata and RxDB's deletion flag. */
export type LocalDoc = SyncDoc & { _deleted?: boolean };

export class SimDevice {
  readonly crash: CrashSwitch = { writesLeft: null, crashed: false };
  private readonly storage = crashableMemoryStorage(this.crash);
  private injector: Injector | null = null;
  private changeIds = 0;
  /** Changes the server refused or found in conflict, over every run of this device. */
  refused = 0;

  constructor(
    readonly name: string,
    readonly userId: string,
    readonly network: SimNetwork,
    private readonly clock: () => number,
  ) {}

  get store(): SyncStore {
    return this.open().get(SyncStore);
  }

  /** The device's services, built on first use and after a crash. */
  open(): Injector {
    this.injector ??= standaloneStoreInjector({
      storage: () => this.storage,
      name: `sim-${this.name}`,
      multiInstance: false,
      clock: this.clock,
      // Not reset by a crash: ids must stay unique, as random ones would be.
      newChangeId: () => `${this.name}-c${++this.changeIds}`,
      registry: SIM_TABLES,
      config: { maxAttempts: 3, logLimit: 100, logTrimEvery: 50 },
    });
    return this.injector;
  }

  /** Closes the database cleanly (an idle device; the storage keeps its data). */
  async close(): Promise<void> {
    const injector = this.injector;
    this.injector = null;
    if (injector) await injector.get(LocalDatabase).close();
  }

  /** Power comes back: in-memory state is gone, the storage is what is left. */
  async reopen(): Promise<void> {
    const injector = this.injector;
    this.injector = null;
    this.crash.crashed = false;
    this.crash.writesLeft = null;
    if (injector)
      await injector
        .get(LocalDatabase)
        .close()
        .catch(() => undefined);
  }

  /** One sync run as the coordinator runs it: push, then pull unless the push failed. */
  async sync(
    kind: 'initial' | 'manual',
    crashAfterWrites: number | null = null,
  ): Promise<SyncResult> {
    this.crash.writesLeft = crashAfterWrites;
    const run: RunContext = {
      runId: `${this.name}-run`,
      kind,
      scope: 'full',
      masterData: false,
      initialTables: SIM_TABLES.map((spec) => spec.name),
      tabId: this.name,
      startedAt: this.clock(),
    };
    const store = this.store;
    const transport = this.network as unknown as SyncApi;
    const phases: Observable<PhaseProgress> =
      kind === 'initial'
        ? pullPhase(
            { store, transport, registry: SIM_TABLES, userId: this.userId, pageSize: 7 },
            run,
          )
        : concat(
            pushPhase({ store, transport, batchSize: 5 }, run),
            pullPhase(
              { store, transport, registry: SIM_TABLES, userId: this.userId, pageSize: 7 },
              run,
            ),
          );
    let refused = 0;
    try {
      await lastValueFrom(
        phases.pipe(
          tap((progress) => (refused = progress.phase === 'push' ? progress.rejected : refused)),
        ),
        { defaultValue: null },
      );
      return 'ok';
    } catch (error) {
      if (this.crash.crashed) {
        await this.reopen();
        return 'crashed';
      }
      if (isSyncError(error)) return 'failed';
      throw error;
    } finally {
      this.refused += refused;
      this.crash.writesLeft = null;
    }
  }

  /** Every stored document of a table, with metadata, local deletions included. */
  async docs(table: TableName): Promise<LocalDoc[]> {
    const handle = await this.open().get(LocalDatabase).open();
    const docs = await handle.anyTable(table).find().exec();
    return docs.map((doc) => doc.toJSON() as LocalDoc);
  }
}

function isSyncError(error: unknown): boolean {
  return error instanceof Error && error.name === 'SyncError';
}
