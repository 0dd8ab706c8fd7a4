/**
 * The store an operator command works on, chosen from the environment exactly as `npm run
 * server` chooses it: DATABASE_URL for PostgreSQL, else the embedded store in SYNC_DATA_DIR
 * (default .sync-data/). The embedded store is one process's files: stop the server before a
 * command opens it.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { readConfig } from './config';
import { openPglite, openPostgres, type Db } from './store/db';

type Env = Readonly<Record<string, string | undefined>>;

export interface CliStore {
  readonly db: Db;
  /** How to name it to the operator: "PostgreSQL" or "the embedded store in <dir>". */
  readonly where: string;
}

type Location = { readonly databaseUrl: string } | { readonly dataDir: string };

function configuredLocation(env: Env, repoRoot: string): Location {
  const { app } = readConfig(env, repoRoot);
  if (app.databaseUrl) return { databaseUrl: app.databaseUrl };
  const dataDir = app.dataDir ?? 'memory';
  // A throwaway in-memory store would be gone when the command ends.
  if (dataDir === 'memory') throw new Error('SYNC_DATA_DIR=memory holds nothing to work on');
  return { dataDir };
}

async function open(location: Location): Promise<CliStore> {
  if ('databaseUrl' in location) {
    return { db: openPostgres(location.databaseUrl), where: 'PostgreSQL' };
  }
  const { dataDir } = location;
  return { db: await openPglite(dataDir), where: `the embedded store in ${dataDir}` };
}

/** The configured store; an embedded one must exist already. */
export async function openConfiguredStore(env: Env, repoRoot: string): Promise<CliStore> {
  const location = configuredLocation(env, repoRoot);
  // Opening a directory that holds no store would create an empty one, which nobody asked for.
  if ('dataDir' in location && !existsSync(path.join(location.dataDir, 'PG_VERSION'))) {
    throw new Error(`no embedded store at ${location.dataDir}: set SYNC_DATA_DIR or DATABASE_URL`);
  }
  return open(location);
}

/** The configured store, creating the embedded one if there is none yet (for a first user). */
export async function openOrCreateConfiguredStore(env: Env, repoRoot: string): Promise<CliStore> {
  return open(configuredLocation(env, repoRoot));
}
