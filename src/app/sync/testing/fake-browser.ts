import { NEVER, Subject, type Observable } from 'rxjs';
import { MemoryStorage } from '../../../testing/memory-storage';
import type { SyncBrowser } from '../sync.tokens';

/**
 * A browser for specs (`{ provide: SYNC_BROWSER, useValue: new FakeSyncBrowser() }`): no Web
 * Locks unless given, a private run note, and connectivity and visibility a spec switches itself
 * (schedule the calls on the TestScheduler to place them in virtual time).
 */
export class FakeSyncBrowser implements SyncBrowser {
  /** None by default; a spec of the cross-tab lock passes the real `navigator.locks`. */
  readonly locks: LockManager | undefined;
  readonly storage = new MemoryStorage();
  readonly storageEvents: Observable<StorageEvent> = NEVER;
  private onLine: boolean;
  private readonly onlineEvents = new Subject<void>();
  private readonly offlineEvents = new Subject<void>();
  private readonly hiddenEvents = new Subject<void>();

  readonly online$ = this.onlineEvents.asObservable();
  readonly offline$ = this.offlineEvents.asObservable();
  readonly pageHidden$ = this.hiddenEvents.asObservable();

  constructor({ online = true, locks }: { online?: boolean; locks?: LockManager } = {}) {
    this.onLine = online;
    this.locks = locks;
  }

  readonly isOnline = (): boolean => this.onLine;

  goOffline(): void {
    this.onLine = false;
    this.offlineEvents.next();
  }

  goOnline(): void {
    this.onLine = true;
    this.onlineEvents.next();
  }

  hidePage(): void {
    this.hiddenEvents.next();
  }
}
