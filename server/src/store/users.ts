/** Users and their sessions. */
import { randomUUID } from 'node:crypto';
import type { SessionUser } from '../../../contract/protocol';
import {
  decoyPasswordHash,
  hashPassword,
  hashToken,
  newSessionToken,
  verifyPassword,
} from './credentials';
import type { Queryable } from './db';

export interface NewUser {
  username: string;
  name: string;
  password: string;
}

interface UserRow {
  id: string;
  username: string;
  name: string;
}

/**
 * Ids are random, not derived from the username: after a server reset a client sees a different
 * id for "alice" and knows its local copy belongs to data that no longer exists.
 */
export async function createUser(db: Queryable, user: NewUser): Promise<SessionUser> {
  const id = randomUUID();
  const passwordHash = await hashPassword(user.password);
  await db.query('INSERT INTO users (id, username, name, password_hash) VALUES ($1, $2, $3, $4)', [
    id,
    user.username,
    user.name,
    passwordHash,
  ]);
  return { id, username: user.username, name: user.name };
}

export async function findUserByUsername(
  db: Queryable,
  username: string,
): Promise<SessionUser | undefined> {
  const { rows } = await db.query<UserRow>(
    'SELECT id, username, name FROM users WHERE username = $1',
    [username],
  );
  return rows[0];
}

export async function countUsers(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: unknown }>('SELECT count(*) AS n FROM users');
  return Number(rows[0]?.n ?? 0);
}

/**
 * The user for these credentials, or undefined; unknown users cost the same time as bad
 * passwords. A disabled user is refused like a wrong password, after the same scrypt work, so
 * the answer doesn't tell a guesser which accounts are disabled.
 */
export async function checkCredentials(
  db: Queryable,
  username: string,
  password: string,
): Promise<SessionUser | undefined> {
  const { rows } = await db.query<UserRow & { password_hash: string; disabled: boolean }>(
    'SELECT id, username, name, password_hash, disabled FROM users WHERE username = $1',
    [username],
  );
  const row = rows[0];
  const valid = await verifyPassword(password, row?.password_hash ?? (await decoyPasswordHash()));
  return row && valid && !row.disabled
    ? { id: row.id, username: row.username, name: row.name }
    : undefined;
}

export interface NewSession {
  token: string;
  expiresAt: number;
}

export async function createSession(
  db: Queryable,
  userId: string,
  now: number,
  ttlMs: number,
): Promise<NewSession> {
  const token = newSessionToken();
  const expiresAt = now + ttlMs;
  await db.query(
    `INSERT INTO sessions (token_hash, user_id, created_at, expires_at)
     VALUES ($1, $2, $3::timestamptz, $4::timestamptz)`,
    [hashToken(token), userId, new Date(now).toISOString(), new Date(expiresAt).toISOString()],
  );
  return { token, expiresAt };
}

export interface LiveSession {
  readonly user: SessionUser;
  /** Epoch ms: a cached session (session-cache.ts) is refused from then on without a query. */
  readonly expiresAt: number;
}

/**
 * The session's user and expiry when the token is known, not revoked and not expired at `now`,
 * and the user is not disabled (disabling revokes the sessions too; this also covers one created
 * meanwhile).
 */
export async function findSession(
  db: Queryable,
  token: string,
  now: number,
): Promise<LiveSession | undefined> {
  const { rows } = await db.query<UserRow & { expires_ms: unknown }>(
    `SELECT u.id, u.username, u.name, (extract(epoch FROM s.expires_at) * 1000)::float8 AS expires_ms
       FROM sessions s JOIN users u ON u.id = s.user_id
      WHERE s.token_hash = $1 AND NOT s.revoked AND s.expires_at > $2::timestamptz
        AND NOT u.disabled`,
    [hashToken(token), new Date(now).toISOString()],
  );
  const row = rows[0];
  if (!row) return undefined;
  const user = { id: row.id, username: row.username, name: row.name };
  return { user, expiresAt: Math.round(Number(row.expires_ms)) };
}

/** Revokes the session; false when the token named no live session. */
export async function revokeSession(db: Queryable, token: string, now: number): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE sessions SET revoked = true
      WHERE token_hash = $1 AND NOT revoked AND expires_at > $2::timestamptz`,
    [hashToken(token), new Date(now).toISOString()],
  );
  return rowCount > 0;
}

/** Expired and revoked sessions are dead weight; dropped at start-up. */
export async function deleteDeadSessions(db: Queryable, now: number): Promise<void> {
  await db.query('DELETE FROM sessions WHERE revoked OR expires_at <= $1::timestamptz', [
    new Date(now).toISOString(),
  ]);
}
