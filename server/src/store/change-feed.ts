/**
 * The database's change notifications (migration 6's triggers) delivered to this instance's
 * caches: a moved counter or a new epoch drops cached pull heads, a revoked session or a disabled
 * user drops cached sessions. Every instance behind a load balancer listens, so a write through
 * one, or by the operators' `users` command, reaches the caches of all of them.
 *
 * When the LISTEN connection is lost, the head cache stops answering at once (it can no longer
 * know what changed) and a new connection is tried every RETRY_MS; once it listens again the
 * cache starts over empty. Sessions keep their own time bound (SESSION_CACHE_MS) meanwhile.
 */
import type { Db, Unlisten } from './db';
import type { HeadCache } from './head-cache';
import { CHANGES_CHANNEL } from './migrations';
import type { SessionCache } from './session-cache';

export const CHANGE_FEED_RETRY_MS = 1_000;

/** Runs `retry` later; a seam so tests decide when a lost connection comes back. */
export type RetrySchedule = (retry: () => void) => void;

const retryLater: RetrySchedule = (retry) => {
  // Unreferenced: a pending retry must not keep a closing process alive.
  setTimeout(retry, CHANGE_FEED_RETRY_MS).unref();
};

export interface ChangeFeedOptions {
  readonly heads: HeadCache;
  readonly sessions: SessionCache;
  readonly scheduleRetry?: RetrySchedule;
  /** Told once per lost connection (the server logs it). */
  readonly onLost?: (error: Error) => void;
}

export class ChangeFeed {
  private unlisten: Unlisten | null = null;
  private closed = false;
  private readonly scheduleRetry: RetrySchedule;
  private readonly watchers = new Set<(payload: string) => void>();

  constructor(
    private readonly db: Db,
    private readonly options: ChangeFeedOptions,
  ) {
    this.scheduleRetry = options.scheduleRetry ?? retryLater;
  }

  /**
   * Listens; resolves once listening or once the first attempt failed (retried later): a server
   * starts without the cache rather than not at all. A store that can't listen caches no heads.
   */
  async start(): Promise<void> {
    if (!this.db.listen || this.closed) return;
    try {
      const unlisten = await this.db.listen(CHANGES_CHANNEL, {
        notify: (payload) => this.dispatch(payload),
        lost: (error) => this.lose(error),
      });
      if (this.closed) return void (await unlisten());
      this.unlisten = unlisten;
      this.options.heads.resume();
      this.tell('');
    } catch (error) {
      this.lose(error as Error);
    }
  }

  /**
   * Test seam: `watcher` hears each notification's payload after the caches did, and `''` when
   * the connection is lost or back. Returns the way to stop.
   */
  watch(watcher: (payload: string) => void): () => void {
    this.watchers.add(watcher);
    return () => void this.watchers.delete(watcher);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.options.heads.pause();
    const unlisten = this.unlisten;
    this.unlisten = null;
    await unlisten?.();
  }

  private lose(error: Error): void {
    this.unlisten = null;
    this.options.heads.pause();
    if (this.closed) return;
    this.options.onLost?.(error);
    this.tell('');
    this.scheduleRetry(() => void this.start());
  }

  private tell(payload: string): void {
    for (const watcher of this.watchers) watcher(payload);
  }

  private dispatch(payload: string): void {
    this.apply(payload);
    this.tell(payload);
  }

  private apply(payload: string): void {
    const split = payload.indexOf(':');
    const kind = split < 0 ? payload : payload.slice(0, split);
    const key = payload.slice(split + 1);
    switch (kind) {
      case 'rev':
        return this.options.heads.invalidate(key);
      case 'meta':
        return this.options.heads.clear();
      case 'session':
        return this.options.sessions.forgetHash(key);
      case 'user':
        return this.options.sessions.forgetUser(key);
      default:
        // A payload from a newer version of the server: drop everything rather than guess.
        this.options.heads.clear();
    }
  }
}
