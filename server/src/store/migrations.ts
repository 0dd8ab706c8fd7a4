/**
 * Versioned, idempotent schema migrations, run at every start-up. Each version runs once, in its
 * own transaction, and is recorded in `schema_migrations`; a start-up finding every version
 * recorded does nothing. Never edit a shipped version: append a new one.
 */
import type { Db } from './db';

interface Migration {
  readonly version: number;
  readonly description: string;
  /** One statement per entry: PGlite's parameterised query path runs a single statement. */
  readonly statements: readonly string[];
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'users, sessions, records, applied_changes',
    statements: [
      `CREATE TABLE users (
         id            text PRIMARY KEY,
         username      text NOT NULL UNIQUE,
         name          text NOT NULL,
         password_hash text NOT NULL,
         rev           bigint NOT NULL DEFAULT 0
       )`,
      `CREATE TABLE sessions (
         token_hash text PRIMARY KEY,
         user_id    text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
         created_at timestamptz NOT NULL DEFAULT now(),
         expires_at timestamptz NOT NULL,
         revoked    boolean NOT NULL DEFAULT false
       )`,
      `CREATE INDEX sessions_user_idx ON sessions (user_id)`,
      `CREATE TABLE records (
         user_id    text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
         table_name text NOT NULL,
         id         text NOT NULL,
         rev        bigint NOT NULL,
         deleted    boolean NOT NULL DEFAULT false,
         data       jsonb,
         updated_at timestamptz NOT NULL DEFAULT now(),
         PRIMARY KEY (user_id, table_name, id)
       )`,
      // The pull query: one user's table, after a revision, in revision order.
      `CREATE INDEX records_pull_idx ON records (user_id, table_name, rev)`,
      `CREATE TABLE applied_changes (
         user_id    text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
         change_id  text NOT NULL,
         result     jsonb NOT NULL,
         applied_at timestamptz NOT NULL DEFAULT now(),
         PRIMARY KEY (user_id, change_id)
       )`,
    ],
  },
  {
    version: 2,
    description: 'login_attempts: the login rate limit, shared by every server instance',
    statements: [
      // One row per limited key ("a:<address>" or "u:<username>") and fixed window.
      `CREATE TABLE login_attempts (
         key         text PRIMARY KEY,
         window_ends timestamptz NOT NULL,
         attempts    integer NOT NULL
       )`,
      `CREATE INDEX login_attempts_window_idx ON login_attempts (window_ends)`,
    ],
  },
  {
    version: 3,
    description: 'server_meta (the epoch); live lines by work order, for deletes of orders',
    statements: [
      // Server-wide settings as key/value text; today only the epoch (store/epoch.ts).
      `CREATE TABLE server_meta (
         key   text PRIMARY KEY,
         value text NOT NULL
       )`,
      // A work order's delete asks whether live lines still reference it (store/references.ts);
      // without this, that is a scan of the user's lines per deleted order.
      `CREATE INDEX records_live_lines_by_order_idx
         ON records (user_id, (data->>'workOrderId'))
         WHERE table_name = 'workOrderLines' AND NOT deleted`,
    ],
  },
  {
    version: 4,
    description: 'applied_changes by age, for the retention pruning',
    statements: [
      // store/pruning.ts deletes the oldest remembered results in batches, every hour.
      `CREATE INDEX applied_changes_applied_at_idx ON applied_changes (applied_at)`,
    ],
  },
  {
    version: 5,
    description: 'users.disabled and users.created_at, for the operator command (npm run users)',
    statements: [
      // A disabled user can't log in and its sessions are refused (store/accounts.ts).
      `ALTER TABLE users ADD COLUMN disabled boolean NOT NULL DEFAULT false`,
      // Users that existed before this version get the time of the migration.
      `ALTER TABLE users ADD COLUMN created_at timestamptz NOT NULL DEFAULT now()`,
    ],
  },
];

/**
 * Advisory lock keys. Every instance behind a load balancer runs the start-up steps at once;
 * these serialise them across processes.
 */
export const MIGRATION_LOCK = 727274;
export const FIRST_START_LOCK = 727275;

/** Applies the migrations not yet recorded; returns the versions it applied. */
export async function migrate(db: Db): Promise<number[]> {
  await db.transaction(async (tx) => {
    // Under the lock too: two concurrent CREATE TABLE IF NOT EXISTS can still collide in
    // PostgreSQL's catalog (a unique violation on pg_type) when both find the table missing.
    await tx.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`);
    await tx.query(
      `CREATE TABLE IF NOT EXISTS schema_migrations (
         version     integer PRIMARY KEY,
         description text NOT NULL,
         applied_at  timestamptz NOT NULL DEFAULT now()
       )`,
    );
  });
  const applied: number[] = [];
  for (const migration of MIGRATIONS) {
    const ran = await db.transaction(async (tx) => {
      // Two servers starting against one PostgreSQL at once: the second waits here, then sees
      // the version recorded and skips it.
      await tx.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`);
      const done = await tx.query('SELECT 1 FROM schema_migrations WHERE version = $1', [
        migration.version,
      ]);
      if (done.rows.length > 0) return false;
      for (const statement of migration.statements) await tx.query(statement);
      await tx.query('INSERT INTO schema_migrations (version, description) VALUES ($1, $2)', [
        migration.version,
        migration.description,
      ]);
      return true;
    });
    if (ran) applied.push(migration.version);
  }
  return applied;
}
