/**
 * The login rate limit's counters. They live in the database rather than in process memory so
 * that every instance behind a load balancer counts the same attempts: with in-memory counters,
 * N instances would allow N times the limit, and a restart would forget it.
 */
import type { Queryable } from './db';

/** Attempts allowed per fixed window; 0 leaves that key unlimited. */
export interface LoginRateLimit {
  readonly perAddress: number;
  readonly perUsername: number;
  readonly windowMs: number;
}

export interface LimitVerdict {
  /** False when either key is over its limit in the current window. */
  readonly allowed: boolean;
  /** Whole seconds until the exceeded window ends (for `Retry-After`); 0 when allowed. */
  readonly retryAfterSeconds: number;
}

/**
 * Counts one attempt against the caller's address and the username it tried, and says whether
 * both are still within their limits. Attempts are counted whatever their outcome, including
 * unknown usernames, so the answer reveals nothing about which usernames exist. Usernames are
 * folded to lower case so "Alice" and "alice" share one budget.
 */
export async function countLoginAttempt(
  db: Queryable,
  limit: LoginRateLimit,
  address: string,
  username: string,
  now: number,
): Promise<LimitVerdict> {
  const keys: { key: string; max: number }[] = [];
  if (limit.perAddress > 0) keys.push({ key: `a:${address}`, max: limit.perAddress });
  if (limit.perUsername > 0) {
    keys.push({ key: `u:${username.toLowerCase()}`, max: limit.perUsername });
  }
  if (keys.length === 0) return { allowed: true, retryAfterSeconds: 0 };

  // One statement for both keys: a new window starts when the stored one has ended.
  const { rows } = await db.query<{ key: string; attempts: unknown; ends_ms: unknown }>(
    `INSERT INTO login_attempts AS a (key, window_ends, attempts)
     VALUES ${keys.map((_, i) => `($${i + 3}, $1::timestamptz, 1)`).join(', ')}
     ON CONFLICT (key) DO UPDATE SET
       attempts    = CASE WHEN a.window_ends <= $2::timestamptz THEN 1 ELSE a.attempts + 1 END,
       window_ends = CASE WHEN a.window_ends <= $2::timestamptz
                          THEN excluded.window_ends ELSE a.window_ends END
     RETURNING key, attempts, (extract(epoch FROM window_ends) * 1000)::float8 AS ends_ms`,
    [
      new Date(now + limit.windowMs).toISOString(),
      new Date(now).toISOString(),
      ...keys.map(({ key }) => key),
    ],
  );
  let retryAfterMs = 0;
  for (const row of rows) {
    const max = keys.find(({ key }) => key === row.key)?.max ?? 0;
    if (Number(row.attempts) > max) {
      retryAfterMs = Math.max(retryAfterMs, Number(row.ends_ms) - now);
    }
  }
  if (retryAfterMs <= 0) return { allowed: true, retryAfterSeconds: 0 };
  return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)) };
}

/** Windows that have ended are dead weight; every instance prunes now and then. */
export async function deleteEndedWindows(db: Queryable, now: number): Promise<void> {
  await db.query('DELETE FROM login_attempts WHERE window_ends <= $1::timestamptz', [
    new Date(now).toISOString(),
  ]);
}
