import { NEVER, Subject, type Observable } from 'rxjs';
import { MemoryStorage } from '../../../testing/memory-storage';
import type { SyncBrowser } from '../sync.tokens';

/**
 * A browser for specs (`{ provide: SYNC_BROWSER, useValue: new FakeSyncBrowser() }`): no Web
 * Locks, a private run note, and connectivity and visibility a spec switches itself (schedule the
 * calls on the TestScheduler to place them in virtual time).
 */
export class FakeSyncBrowser implements SyncBrowser {
  readonly locks = undefined;
  readonly storage = new MemoryStorage();
  readonly storageEvents: Observable<StorageEvent> = NEVER;
  private onLine: boolean;
  private readonly onlineEvents = new Subject<void>();
  private readonly offlineEvents = new Subject<void>();
  private readonly hiddenEvents = new Subject<void>();

  readonly online$ = this.onlineEvents.asObservable();
  readonly offline$ = this.offlineEvents.asObservable();
  readonly pageHidden$ = this.hiddenEvents.asObservable();

  constructor({ online = true }: { online?: boolean } = {}) {
    this.onLine = online;
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
