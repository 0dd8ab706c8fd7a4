/**
 * Sessions remembered in memory, so an authenticated request costs no query while its session
 * was checked against the database less than `ttlMs` ago (5 s by default).
 *
 * A logout through this instance is immediate (`forget`), and expiry is immediate too, because
 * the cached entry keeps the session's `expiresAt`. A session revoked by ANOTHER process (another
 * server instance, the operators' `users` command) is dropped when the database's notification
 * arrives (store/change-feed.ts: `forgetHash`, `forgetUser`), milliseconds later; should that
 * connection be down, `ttlMs` is the bound: such a session is accepted for at most that long
 * after this instance last checked it. docs/protocol.md documents the delay.
 */
import type { SessionUser } from '../../../contract/protocol';
import { hashToken } from './credentials';
import type { Queryable } from './db';
import { findSession } from './users';

export const SESSION_CACHE_MS = 5_000;
/** Beyond this many cached sessions the oldest checked one is dropped (and simply re-checked). */
export const SESSION_CACHE_ENTRIES = 10_000;

interface Entry {
  readonly user: SessionUser;
  readonly expiresAt: number;
  readonly checkedAt: number;
}

export interface SessionCacheOptions {
  readonly ttlMs?: number;
  readonly maxEntries?: number;
}

export class SessionCache {
  /** Keyed by the token's SHA-256, like the database: no usable token is held in memory. */
  private readonly entries = new Map<string, Entry>();
  /** Lookups under way, so a burst of requests with one cold token costs one query. */
  private readonly lookups = new Map<string, Promise<Entry | undefined>>();
  /** Bumped by every forget/clear: a lookup that started before one must not cache its answer. */
  private generation = 0;
  private readonly ttlMs: number;
  private readonly maxEntries: number;

  constructor(
    private readonly db: Queryable,
    private readonly now: () => number,
    options: SessionCacheOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? SESSION_CACHE_MS;
    this.maxEntries = options.maxEntries ?? SESSION_CACHE_ENTRIES;
  }

  /** The session's user when the token is live, from memory when it was checked recently. */
  async find(token: string): Promise<SessionUser | undefined> {
    const key = hashToken(token);
    const at = this.now();
    const cached = this.entries.get(key);
    if (cached && at < cached.expiresAt && at - cached.checkedAt < this.ttlMs) return cached.user;
    let lookup = this.lookups.get(key);
    if (!lookup) {
      lookup = this.lookUp(key, token, at).finally(() => this.lookups.delete(key));
      this.lookups.set(key, lookup);
    }
    const entry = await lookup;
    return entry && this.now() < entry.expiresAt ? entry.user : undefined;
  }

  /** Drops one session (a logout here): the next request with it asks the database. */
  forget(token: string): void {
    this.forgetHash(hashToken(token));
  }

  /** Drops one session by its token's hash (a revocation notified by the database). */
  forgetHash(tokenHash: string): void {
    this.generation += 1;
    this.entries.delete(tokenHash);
  }

  /** Drops every session of one user (disabled elsewhere). */
  forgetUser(userId: string): void {
    this.generation += 1;
    for (const [key, entry] of this.entries) {
      if (entry.user.id === userId) this.entries.delete(key);
    }
  }

  /** Drops every session, e.g. after the data was replaced (a test reset deletes all users). */
  clear(): void {
    this.generation += 1;
    this.entries.clear();
  }

  private async lookUp(key: string, token: string, at: number): Promise<Entry | undefined> {
    const generation = this.generation;
    const found = await findSession(this.db, token, at);
    this.entries.delete(key);
    if (!found) return undefined;
    const entry = { ...found, checkedAt: at };
    // A logout that ran while this query was in flight may have revoked the very session the
    // query found live: answer this request, but don't remember a possibly stale "live".
    if (generation === this.generation) {
      this.entries.set(key, entry);
      if (this.entries.size > this.maxEntries) {
        // Map order is insertion order, and every (re)check re-inserts: the first is the oldest.
        const oldest = this.entries.keys().next().value;
        if (oldest !== undefined) this.entries.delete(oldest);
      }
    }
    return entry;
  }
}
