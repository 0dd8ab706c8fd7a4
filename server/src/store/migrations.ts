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
  {
    version: 6,
    description: 'NOTIFY on changes cached per instance: counters, the epoch, sessions, disabling',
    statements: [
      // Payloads (store/change-feed.ts): "rev:<user id>" when a user's counter moves or the user
      // goes, "meta" when the epoch changes, "session:<token hash>" when a session is revoked or
      // deleted, "user:<user id>" when a user is disabled. Delivered at COMMIT, deduplicated
      // within a transaction, so a 500-change push sends one.
      // TG_ARGV: the payload's prefix, then the column whose value follows it (none for meta).
      `CREATE FUNCTION field_sync_notify() RETURNS trigger LANGUAGE plpgsql AS $$
       DECLARE
         changed jsonb := to_jsonb(CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END);
       BEGIN
         PERFORM pg_notify('field_sync_changes',
                           TG_ARGV[0] || COALESCE(changed ->> TG_ARGV[1], ''));
         RETURN NULL;
       END $$`,
      `CREATE TRIGGER users_rev_notify AFTER UPDATE OF rev ON users
         FOR EACH ROW WHEN (OLD.rev IS DISTINCT FROM NEW.rev)
         EXECUTE FUNCTION field_sync_notify('rev:', 'id')`,
      `CREATE TRIGGER users_delete_notify AFTER DELETE ON users
         FOR EACH ROW EXECUTE FUNCTION field_sync_notify('rev:', 'id')`,
      `CREATE TRIGGER users_disabled_notify AFTER UPDATE OF disabled ON users
         FOR EACH ROW WHEN (NEW.disabled AND NOT OLD.disabled)
         EXECUTE FUNCTION field_sync_notify('user:', 'id')`,
      `CREATE TRIGGER server_meta_notify AFTER INSERT OR UPDATE OR DELETE ON server_meta
         FOR EACH ROW EXECUTE FUNCTION field_sync_notify('meta')`,
      `CREATE TRIGGER sessions_revoked_notify AFTER UPDATE OF revoked ON sessions
         FOR EACH ROW WHEN (NEW.revoked AND NOT OLD.revoked)
         EXECUTE FUNCTION field_sync_notify('session:', 'token_hash')`,
      // A revoked session was announced when revoked: pruning it (hourly) says nothing new.
      `CREATE TRIGGER sessions_delete_notify AFTER DELETE ON sessions
         FOR EACH ROW WHEN (NOT OLD.revoked)
         EXECUTE FUNCTION field_sync_notify('session:', 'token_hash')`,
    ],
  },
];

/** The channel migration 6's triggers NOTIFY on. */
export const CHANGES_CHANNEL = 'field_sync_changes';

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
