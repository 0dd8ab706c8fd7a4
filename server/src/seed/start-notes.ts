/**
 * What a start tells the operator about accounts. A production start never creates a user and
 * never prints a password: it says how to create the first user, and warns about users that
 * still have a published demo password (a database that once ran in demo mode).
 */
import type { FastifyBaseLogger } from 'fastify';
import { verifyPassword } from '../store/credentials';
import type { Queryable } from '../store/db';
import { countUsers } from '../store/users';
import { DEMO_USERS } from './seed';

export const FIRST_USER_HINT =
  'no users yet: create the first with `npm run users -- add <username> --name "<Full name>"` ' +
  '(same DATABASE_URL or SYNC_DATA_DIR; stop this server first when on the embedded store)';

/** Enabled users whose password is still the one the README publishes for them. */
export async function usersWithDemoPasswords(db: Queryable): Promise<string[]> {
  const { rows } = await db.query<{ username: string; password_hash: string }>(
    `SELECT username, password_hash FROM users
      WHERE username IN (${DEMO_USERS.map((_, i) => `$${i + 1}`).join(', ')}) AND NOT disabled`,
    DEMO_USERS.map((user) => user.username),
  );
  const found: string[] = [];
  for (const row of rows) {
    const demo = DEMO_USERS.find((user) => user.username === row.username);
    if (demo && (await verifyPassword(demo.password, row.password_hash))) found.push(row.username);
  }
  return found.sort();
}

export async function logAccountNotes(
  log: FastifyBaseLogger,
  db: Queryable,
  demo: boolean,
): Promise<void> {
  if (demo) {
    // Demo mode only: these passwords are published in the README anyway.
    const logins = DEMO_USERS.map((user) => `${user.username} / ${user.password}`).join(', ');
    log.info(`demo mode: demo logins ${logins}`);
    return;
  }
  if ((await countUsers(db)) === 0) {
    log.warn(FIRST_USER_HINT);
    return;
  }
  const exposed = await usersWithDemoPasswords(db);
  if (exposed.length > 0) {
    log.warn(
      `users with a published demo password: ${exposed.join(', ')}; ` +
        'change it (`npm run users -- passwd <username>`) or disable them ' +
        '(`npm run users -- disable <username>`)',
    );
  }
}
