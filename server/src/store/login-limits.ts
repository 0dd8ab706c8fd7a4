/**
 * The login throttle's counters. They live in the database rather than in process memory so
 * that every instance behind a load balancer counts the same failures: with in-memory counters,
 * N instances would allow N times the limit, and a restart would forget it.
 *
 * Only failures count, and never against other addresses: a guesser's failures throttle the
 * guesser, so nobody can keep a user out by failing on purpose. Three keys, each a fixed window:
 *  - the (username, address) pair: one address guessing one user's password;
 *  - the address: one address guessing across usernames;
 *  - the username, all addresses together: many addresses guessing one user. This ceiling only
 *    stops addresses that have themselves failed for that username in the window, so the user,
 *    logging in from an address of their own, is never refused because of it.
 */
import type { Queryable } from './db';

/** Failures allowed per window; 0 leaves that key unlimited. */
export interface LoginRateLimit {
  /** Per client address, whatever the usernames it tries. */
  readonly perAddress: number;
  /** Per username from one address. */
  readonly perUsernameAndAddress: number;
  /** Per username from every address, applied to addresses that failed for it. */
  readonly perUsername: number;
  readonly windowMs: number;
}

/** A counted attempt: refused, or to be forgiven if the password turns out right. */
export interface LoginAttempt {
  /** False when the caller is over a limit: answer 429 without checking the password. */
  readonly allowed: boolean;
  /** Whole seconds until the exceeded windows end (for `Retry-After`); 0 when allowed. */
  readonly retryAfterSeconds: number;
  /** The counters this attempt incremented, with the windows it incremented them in. */
  readonly counted: readonly { readonly key: string; readonly windowEnds: number }[];
  /** The pair key, which a success resets rather than decrements. */
  readonly pairKey: string;
}

interface Counter {
  readonly key: string;
  readonly max: number;
}

/**
 * Counts an attempt against its keys before the password is checked, and says whether it may go
 * on. Counting first, rather than after a failure, keeps a burst of concurrent guesses within the
 * limits: each of them finds the others already counted. A success is then forgiven
 * (forgiveLoginAttempt), so in the end only failures count. Unknown usernames count alike, so
 * the answer reveals nothing about which usernames exist; usernames are folded to lower case so
 * "Alice" and "alice" share one budget.
 */
export async function countLoginAttempt(
  db: Queryable,
  limit: LoginRateLimit,
  address: string,
  username: string,
  now: number,
): Promise<LoginAttempt> {
  const folded = username.toLowerCase();
  // Addresses hold no spaces, so "<address> <username>" can't be read two ways.
  const pair: Counter = { key: `p:${address} ${folded}`, max: limit.perUsernameAndAddress };
  const perAddress: Counter = { key: `a:${address}`, max: limit.perAddress };
  const perUser: Counter = { key: `u:${folded}`, max: limit.perUsername };
  const counters = [pair, perAddress, perUser];

  // One statement for every key: a new window starts when the stored one has ended.
  const { rows } = await db.query<{ key: string; attempts: unknown; ends_ms: unknown }>(
    `INSERT INTO login_attempts AS a (key, window_ends, attempts)
     VALUES ${counters.map((_, i) => `($${i + 3}, $1::timestamptz, 1)`).join(', ')}
     ON CONFLICT (key) DO UPDATE SET
       attempts    = CASE WHEN a.window_ends <= $2::timestamptz THEN 1 ELSE a.attempts + 1 END,
       window_ends = CASE WHEN a.window_ends <= $2::timestamptz
                          THEN excluded.window_ends ELSE a.window_ends END
     RETURNING key, attempts, (extract(epoch FROM window_ends) * 1000)::float8 AS ends_ms`,
    [
      new Date(now + limit.windowMs).toISOString(),
      new Date(now).toISOString(),
      ...counters.map(({ key }) => key),
    ],
  );
  const counted = new Map(
    rows.map((row) => [
      row.key,
      { attempts: Number(row.attempts), windowEnds: Number(row.ends_ms) },
    ]),
  );
  const over = (counter: Counter) => {
    const count = counted.get(counter.key);
    return counter.max > 0 && count !== undefined && count.attempts > counter.max;
  };
  // This attempt is in the pair's count: more than one means the address failed before.
  const addressFailedForUser = (counted.get(pair.key)?.attempts ?? 0) > 1;
  const exceeded = [pair, perAddress, perUser].filter(
    (counter) => over(counter) && (counter !== perUser || addressFailedForUser),
  );
  const retryAfterMs = Math.max(
    0,
    ...exceeded.map((counter) => (counted.get(counter.key)?.windowEnds ?? now) - now),
  );
  return {
    allowed: exceeded.length === 0,
    retryAfterSeconds: exceeded.length === 0 ? 0 : Math.max(1, Math.ceil(retryAfterMs / 1000)),
    counted: [...counted].map(([key, { windowEnds }]) => ({ key, windowEnds })),
    pairKey: pair.key,
  };
}

/**
 * Takes back a successful attempt: its address and username counters lose the one it added, and
 * the pair's failures are cleared (whoever knows the password has stopped guessing it). Only in
 * the windows it was counted in: a window that ended since belongs to other attempts.
 */
export async function forgiveLoginAttempt(db: Queryable, attempt: LoginAttempt): Promise<void> {
  // One row per statement: a statement locking all three, in whatever order its join chose,
  // could deadlock on PostgreSQL with a concurrent countLoginAttempt locking them in its order.
  for (const { key, windowEnds } of attempt.counted) {
    await db.query(
      `UPDATE login_attempts
          SET attempts = CASE WHEN key = $3 THEN 0 ELSE greatest(attempts - 1, 0) END
        WHERE key = $1 AND (extract(epoch FROM window_ends) * 1000)::float8 = $2`,
      [key, windowEnds, attempt.pairKey],
    );
  }
}

/** Windows that have ended are dead weight; every instance prunes now and then. */
export async function deleteEndedWindows(db: Queryable, now: number): Promise<void> {
  await db.query('DELETE FROM login_attempts WHERE window_ends <= $1::timestamptz', [
    new Date(now).toISOString(),
  ]);
}
