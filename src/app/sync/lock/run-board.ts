import {
  concatMap,
  defer,
  distinctUntilChanged,
  filter,
  from,
  map,
  merge,
  type Observable,
  of,
  type SchedulerLike,
  startWith,
  Subject,
  switchMap,
  timer,
} from 'rxjs';
import type { SyncKind, SyncLogSink } from '../core';
import { SYNC_LOCK_NAME } from './web-lock';

/** The run that holds the sync lock, as every tab of the browser sees it. */
export interface RunMarker {
  readonly runId: string;
  readonly kind: SyncKind;
  readonly tabId: string;
  readonly startedAt: number;
}

export const RUN_MARKER_KEY = 'field-sync.current-run';

/**
 * A shared note of the current run (localStorage, whose `storage` event reaches every other tab),
 * so each tab's badge shows "syncing" while ANY tab syncs. Only the lock holder writes it.
 *
 * A tab that dies while syncing leaves its note behind, but the browser frees its Web Lock: a
 * note is believed only while the lock is really held, checked when it arrives and every
 * `recheckMs` after, and a stale note is logged and cleared.
 */
export class RunBoard {
  private readonly announced = new Subject<RunMarker | null>();

  /** The current run of any tab, or null. */
  readonly current$: Observable<RunMarker | null>;

  constructor(
    private readonly storage: Storage,
    storageEvents: Observable<StorageEvent>,
    private readonly locks: LockManager | undefined,
    private readonly log: SyncLogSink,
    private readonly scheduler: SchedulerLike,
    recheckMs = 10_000,
  ) {
    const notes$ = merge(
      storageEvents.pipe(
        filter((event) => event.key === RUN_MARKER_KEY || event.key === null),
        map(() => this.read()),
      ),
      this.announced,
    ).pipe(
      startWith(null),
      map(() => this.read()),
    );
    this.current$ = notes$.pipe(
      // Re-read on a timer too: a crashed holder sends no event when its lock goes away.
      switchMap((note) =>
        note ? timer(0, recheckMs, scheduler).pipe(concatMap(() => this.verified(note))) : of(null),
      ),
      distinctUntilChanged((a, b) => a?.runId === b?.runId),
    );
  }

  /** The lock holder announces its run, and `null` when it releases the lock. */
  announce(marker: RunMarker | null): void {
    if (marker) this.storage.setItem(RUN_MARKER_KEY, JSON.stringify(marker));
    else this.storage.removeItem(RUN_MARKER_KEY);
    this.announced.next(marker);
  }

  /** The note as stored, or null when there is none or it is unreadable. */
  read(): RunMarker | null {
    const raw = this.storage.getItem(RUN_MARKER_KEY);
    if (!raw) return null;
    try {
      const marker = JSON.parse(raw) as Partial<RunMarker>;
      return typeof marker.runId === 'string' && typeof marker.tabId === 'string'
        ? (marker as RunMarker)
        : null;
    } catch {
      // Written by an older version or by hand: no run is known, which the next holder fixes.
      return null;
    }
  }

  /** The note if the sync lock is held; otherwise the note is stale: logged, cleared, null. */
  private verified(note: RunMarker): Observable<RunMarker | null> {
    if (!this.locks) return of(note);
    const locks = this.locks;
    return defer(() => from(locks.query())).pipe(
      map((state) => {
        const held = (state.held ?? []).some((lock) => lock.name === SYNC_LOCK_NAME);
        if (held) return note;
        if (this.read()?.runId === note.runId) {
          this.log({
            time: this.scheduler.now(),
            level: 'warn',
            phase: 'lock',
            runId: note.runId,
            kind: note.kind,
            tabId: note.tabId,
            message: 'Cleared the run note of a tab that stopped while syncing',
          });
          this.storage.removeItem(RUN_MARKER_KEY);
        }
        return null;
      }),
    );
  }
}
