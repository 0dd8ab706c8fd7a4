/**
 * The sync log: structured entries in the local database, so a run can be traced after the
 * fact (support, the debug page), kept as a ring buffer of the newest `logLimit` entries.
 */
import { ErrorHandler, Injectable, inject } from '@angular/core';
import { defer, map, switchMap, type Observable } from 'rxjs';

import { LocalDatabase } from './local-database';
import { LOCAL_CLOCK, SYNC_STORE_CONFIG, SYNC_TAB_ID } from './local-db.tokens';
import type { SyncLogDoc, SyncLogLevel } from './local-schemas';

/**
 * One entry to append. Shaped like the engine's `SyncLogEntry` (sync/core) so `append` can be
 * handed to the coordinator as its log sink as is; missing fields are stored as ''.
 */
export interface SyncLogInput {
  readonly level: SyncLogLevel;
  readonly message: string;
  /** Defaults to the clock at the call. */
  readonly time?: number;
  readonly runId?: string;
  readonly kind?: string;
  readonly phase?: string;
  /** Defaults to this tab. */
  readonly tabId?: string;
  /** Plain JSON; a non-object value is stored as `{ value }`. */
  readonly data?: unknown;
}

const pad = (value: number, width: number) => String(value).padStart(width, '0');

@Injectable({ providedIn: 'root' })
export class SyncLog {
  private readonly database = inject(LocalDatabase);
  private readonly config = inject(SYNC_STORE_CONFIG);
  private readonly clock = inject(LOCAL_CLOCK);
  private readonly errorHandler = inject(ErrorHandler);
  readonly tabId = inject(SYNC_TAB_ID);

  private seq = 0;
  private appendsSinceTrim = 0;
  /** Appends run one after another, so ids and trims follow call order. */
  private tail: Promise<void> = Promise.resolve();

  /**
   * Fire and forget: logging must not add a step (or a failure) to the flow being logged, so
   * this returns nothing to compose; a failed write goes to the ErrorHandler. `flush()` waits.
   * Appending is one insert; every `logTrimEvery` appends, one count and one bulk removal.
   * An arrow property, so it can be passed around unbound (as the engine's log sink).
   */
  readonly append = (input: SyncLogInput): void => {
    const time = input.time ?? this.clock();
    const seq = this.seq++;
    const tabId = input.tabId ?? this.tabId;
    const entry: SyncLogDoc = {
      id: `${pad(time, 13)}-${pad(seq, 9)}-${tabId}`,
      time,
      seq,
      level: input.level,
      runId: input.runId ?? '',
      kind: input.kind ?? '',
      phase: input.phase ?? '',
      tabId,
      message: input.message,
      data: toData(input.data),
    };
    this.tail = this.tail
      .then(() => this.write(entry))
      .catch((error: unknown) => this.errorHandler.handleError(error));
  };

  /** Resolves when every append made so far is stored. */
  flush(): Promise<void> {
    return this.tail;
  }

  /** The newest `limit` entries, oldest first, live. */
  entries$(limit = this.config.logLimit): Observable<SyncLogDoc[]> {
    return defer(() => this.database.open()).pipe(
      // switchMap: a read; nothing to finish when the database handle is replaced.
      switchMap((handle) => handle.synclog.find({ sort: [{ id: 'desc' }], limit }).$),
      map((docs) => docs.map((doc) => doc.toJSON() as SyncLogDoc).reverse()),
    );
  }

  /** Cuts the log down to `logLimit` entries now; resolves to how many were removed. */
  async trim(): Promise<number> {
    await this.flush();
    return this.trimNow();
  }

  private async write(entry: SyncLogDoc): Promise<void> {
    const { synclog } = await this.database.open();
    await synclog.insert(entry);
    if (++this.appendsSinceTrim >= this.config.logTrimEvery) await this.trimNow();
  }

  private async trimNow(): Promise<number> {
    this.appendsSinceTrim = 0;
    const { synclog } = await this.database.open();
    const excess = (await synclog.count().exec()) - this.config.logLimit;
    if (excess <= 0) return 0;
    const oldest = await synclog.find({ sort: [{ id: 'asc' }], limit: excess }).exec();
    await synclog.bulkRemove(oldest);
    // Removal leaves tombstones until cleanup; a ring buffer would otherwise grow forever.
    await synclog.storageInstance.cleanup(0);
    return oldest.length;
  }
}

/**
 * Log data as plain JSON: entries are stored (structured clone) and may be exported, so errors
 * become their name, message, kind and status, and their causes (HTTP responses with headers and
 * functions, which can't be stored) are left out.
 */
function toData(data: unknown): Record<string, unknown> | null {
  if (data === undefined || data === null) return null;
  let plain: unknown;
  try {
    plain = JSON.parse(
      JSON.stringify(data, (_key, value: unknown) =>
        value instanceof Error ? errorSummary(value) : value,
      ),
    );
  } catch {
    // Circular or otherwise unserialisable: keep what can be said of it rather than lose the entry.
    plain = String(data);
  }
  if (typeof plain === 'object' && plain !== null && !Array.isArray(plain)) {
    return plain as Record<string, unknown>;
  }
  return { value: plain };
}

function errorSummary(error: Error): Record<string, unknown> {
  const { kind, status } = error as Error & { kind?: unknown; status?: unknown };
  return { name: error.name, message: error.message, kind, status };
}
