/**
 * Each user's pull head (the epoch and the user's revision counter) remembered in memory, so a
 * pull whose checkpoints all stand at the counter answers "nothing new" without a query
 * (store/pull.ts).
 *
 * Correct across instances because every change of a counter or of the epoch is NOTIFYed by the
 * database (migration 6) and drops the entry here (store/change-feed.ts): an instance sees
 * another's write as soon as the notification arrives, milliseconds after the COMMIT. Until
 * then it answers as a pull that ran just before that write would have: nothing is lost, since
 * the checkpoints it returns don't move. While notifications can't be trusted (the LISTEN
 * connection is down, or was never up) nothing is answered from here. `ttlMs`
 * (PULL_HEAD_CACHE_MS, 5 s by default) bounds the age of any entry all the same, a safety net
 * should a notification ever go missing while the connection looks healthy.
 */

/** What a pull needs to know before it reads any record. */
export interface PullHead {
  readonly epoch: string;
  /** The user's revision counter. */
  readonly latest: number;
}

export const PULL_HEAD_CACHE_MS = 5_000;
/** Beyond this many users the oldest entry is dropped (and simply read again). */
export const PULL_HEAD_CACHE_ENTRIES = 10_000;

interface Entry {
  readonly head: PullHead;
  readonly readAt: number;
}

export interface HeadCacheOptions {
  readonly ttlMs?: number;
  readonly maxEntries?: number;
}

/** Taken before reading a head from the database; `remember` needs it back. */
export type ReadTicket = number;

export class HeadCache {
  private readonly entries = new Map<string, Entry>();
  /** Per user, the change count at their last invalidation (dropped with the oldest entries). */
  private readonly invalidated = new Map<string, number>();
  /** Bumped by every invalidation; a read that started before one may hold an old head. */
  private changes = 0;
  /**
   * `changes` at the last invalidation of everyone (the epoch, a lost connection), or of the
   * newest per-user invalidation dropped from `invalidated`: a read older than it is refused.
   */
  private clearedAt = 0;
  private live = false;
  private readonly ttlMs: number;
  private readonly maxEntries: number;

  constructor(
    private readonly now: () => number,
    options: HeadCacheOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? PULL_HEAD_CACHE_MS;
    this.maxEntries = options.maxEntries ?? PULL_HEAD_CACHE_ENTRIES;
  }

  /** True while invalidations are known to arrive, the only time an entry may be used. */
  get isLive(): boolean {
    return this.live;
  }

  /** The user's head when it is cached, fresh and invalidations are arriving. */
  get(userId: string): PullHead | undefined {
    if (!this.live || this.ttlMs <= 0) return undefined;
    const entry = this.entries.get(userId);
    if (!entry) return undefined;
    if (this.now() - entry.readAt >= this.ttlMs) {
      this.entries.delete(userId);
      return undefined;
    }
    return entry.head;
  }

  /** Call right before reading a head from the database. */
  ticket(): ReadTicket {
    return this.changes;
  }

  /**
   * Keeps a head read from the database, unless an invalidation of that user (or of everyone)
   * arrived since `ticket`: the head read may predate the change that notification announced.
   */
  remember(userId: string, head: PullHead, ticket: ReadTicket): void {
    if (!this.live || this.ttlMs <= 0) return;
    if (ticket < this.clearedAt || ticket < (this.invalidated.get(userId) ?? 0)) return;
    this.entries.delete(userId);
    this.entries.set(userId, { head, readAt: this.now() });
    // Map order is insertion order and every write re-inserts: the first key is the oldest.
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }

  /** A user's counter moved, or the user is gone. */
  invalidate(userId: string): void {
    this.changes += 1;
    this.entries.delete(userId);
    this.invalidated.delete(userId);
    this.invalidated.set(userId, this.changes);
    if (this.invalidated.size > this.maxEntries) {
      const [oldest, at] = this.invalidated.entries().next().value ?? [];
      if (oldest !== undefined) this.invalidated.delete(oldest);
      this.clearedAt = Math.max(this.clearedAt, at ?? 0);
    }
  }

  /** Everyone's heads are void: the epoch changed, or the data was replaced. */
  clear(): void {
    this.changes += 1;
    this.clearedAt = this.changes;
    this.entries.clear();
    this.invalidated.clear();
  }

  /** Invalidations arrive (again): entries may be kept and used. Starts from nothing. */
  resume(): void {
    this.clear();
    this.live = true;
  }

  /** Invalidations may be missed from now on: nothing is kept or answered until `resume`. */
  pause(): void {
    this.live = false;
    this.clear();
  }
}
