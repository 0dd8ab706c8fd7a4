/**
 * Accounts as an operator manages them (`npm run users`): creating a user, setting a password,
 * disabling a user, listing them. What they refuse is an AccountError, with a message meant for
 * the operator; anything else is a failure of the store.
 */
import { randomUUID } from 'node:crypto';
import type { SessionUser } from '../../../contract/protocol';
import { hashPassword } from './credentials';
import type { Db, Queryable } from './db';

/** Input the operator can correct: a bad username, a short password, an unknown user... */
export class AccountError extends Error {}

/**
 * Lower case, so "Alice" can't be a second "alice" (the login throttle folds case, and people
 * type usernames as they like); no spaces or symbols that would need quoting in a shell or a log.
 */
const USERNAME = /^[a-z0-9][a-z0-9._-]{1,63}$/;

/** NIST SP 800-63B's minimum for passwords a person chooses. */
export const MIN_PASSWORD_LENGTH = 12;

/** What the login body accepts (schemas.ts): a longer password could never be used to log in. */
const MAX_PASSWORD_LENGTH = 1000;

const MAX_NAME_LENGTH = 200;

export function checkUsername(username: string): void {
  if (!USERNAME.test(username)) {
    throw new AccountError(
      `bad username "${username}": 2 to 64 characters, lower-case letters, digits, ".", "_" ` +
        'or "-", starting with a letter or a digit',
    );
  }
}

export function checkPassword(password: string): void {
  // Code points, not UTF-16 units: an emoji is one character to the person typing it.
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) {
    throw new AccountError(`the password is too short: at least ${MIN_PASSWORD_LENGTH} characters`);
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    throw new AccountError(`the password is too long: at most ${MAX_PASSWORD_LENGTH} characters`);
  }
}

function checkName(name: string): void {
  // Control characters would garble `list` and the logs; PostgreSQL can't store U+0000 at all.
  if (name.trim() === '' || name.length > MAX_NAME_LENGTH || /[\u0000-\u001f\u007f]/.test(name)) {
    throw new AccountError(
      `bad name "${name}": 1 to ${MAX_NAME_LENGTH} characters, no control characters`,
    );
  }
}

async function exists(db: Queryable, username: string): Promise<boolean> {
  const { rows } = await db.query('SELECT 1 FROM users WHERE username = $1', [username]);
  return rows.length > 0;
}

/** What addAccount checks before the password: for a command to ask for one only when useful. */
export async function checkNewAccount(
  db: Queryable,
  username: string,
  name: string,
): Promise<void> {
  checkUsername(username);
  checkName(name);
  if (await exists(db, username)) throw new AccountError(`user "${username}" already exists`);
}

export async function checkExists(db: Queryable, username: string): Promise<void> {
  if (!(await exists(db, username))) throw new AccountError(`no user "${username}"`);
}

export interface NewAccount {
  readonly username: string;
  readonly name: string;
  readonly password: string;
}

export async function addAccount(db: Queryable, account: NewAccount): Promise<SessionUser> {
  checkUsername(account.username);
  checkName(account.name);
  checkPassword(account.password);
  const passwordHash = await hashPassword(account.password);
  // A random id, as for every user (store/users.ts says why).
  const id = randomUUID();
  const { rowCount } = await db.query(
    `INSERT INTO users (id, username, name, password_hash) VALUES ($1, $2, $3, $4)
     ON CONFLICT (username) DO NOTHING`,
    [id, account.username, account.name, passwordHash],
  );
  if (rowCount === 0) throw new AccountError(`user "${account.username}" already exists`);
  return { id, username: account.username, name: account.name };
}

async function revokeSessionsOf(tx: Queryable, userId: string): Promise<number> {
  const { rowCount } = await tx.query(
    'UPDATE sessions SET revoked = true WHERE user_id = $1 AND NOT revoked',
    [userId],
  );
  return rowCount;
}

/** What a change to an account did to its sessions. */
export interface SessionsEnded {
  readonly revokedSessions: number;
}

/**
 * Sets a new password and ends every session of the user: whoever logged in with the old one
 * (the reason for a reset, often) is out at once, on every instance.
 */
export async function setPassword(
  db: Db,
  username: string,
  password: string,
): Promise<SessionsEnded> {
  checkPassword(password);
  const passwordHash = await hashPassword(password);
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ id: string }>(
      'UPDATE users SET password_hash = $2 WHERE username = $1 RETURNING id',
      [username, passwordHash],
    );
    const id = rows[0]?.id;
    if (id === undefined) throw new AccountError(`no user "${username}"`);
    return { revokedSessions: await revokeSessionsOf(tx, id) };
  });
}

/**
 * Disables the user and revokes all its sessions in one transaction. Sessions are checked against
 * the database on every request, so its tokens answer 401 from the next request on, everywhere.
 */
export async function disableAccount(db: Db, username: string): Promise<SessionsEnded> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ id: string }>(
      'UPDATE users SET disabled = true WHERE username = $1 RETURNING id',
      [username],
    );
    const id = rows[0]?.id;
    if (id === undefined) throw new AccountError(`no user "${username}"`);
    return { revokedSessions: await revokeSessionsOf(tx, id) };
  });
}

export interface AccountSummary {
  readonly username: string;
  readonly name: string;
  readonly disabled: boolean;
  /** ISO 8601, UTC. */
  readonly created: string;
}

/** Every user, by username; never a hash. */
export async function listAccounts(db: Queryable): Promise<AccountSummary[]> {
  const { rows } = await db.query<{
    username: string;
    name: string;
    disabled: boolean;
    created_ms: unknown;
  }>(
    `SELECT username, name, disabled, (extract(epoch FROM created_at) * 1000)::float8 AS created_ms
       FROM users ORDER BY username`,
  );
  return rows.map((row) => ({
    username: row.username,
    name: row.name,
    disabled: row.disabled,
    created: new Date(Number(row.created_ms)).toISOString(),
  }));
}
