/**
 * Reads the server's settings from environment variables (docs/server.md lists them), failing
 * fast with a clear message on a malformed value rather than starting half-configured.
 */
import path from 'node:path';
import { DEFAULT_SESSION_TTL_MS, type AppOptions } from './app';

export interface ServerConfig {
  readonly port: number;
  readonly host: string;
  readonly app: AppOptions;
}

type Env = Readonly<Record<string, string | undefined>>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function serverMode(raw: string | undefined): AppOptions['mode'] {
  if (raw === undefined || raw === '' || raw === 'production' || raw === 'normal') return 'normal';
  if (raw === 'test') return 'test';
  throw new Error(`SYNC_SERVER_MODE must be "test", "production" or unset, got "${raw}"`);
}

/** `repoRoot` anchors the relative defaults (.sync-data/, dist/...) whatever the cwd. */
export function readConfig(env: Env, repoRoot: string): ServerConfig {
  const mode = serverMode(env['SYNC_SERVER_MODE']);
  const dataDir = env['SYNC_DATA_DIR'] || '.sync-data';
  // Off by default in test mode: e2e suites log in far more often than people do.
  const loginsPerMinute = integer(env, 'LOGIN_RATE_LIMIT', mode === 'test' ? 0 : 30, 0, 1_000_000);
  return {
    port: integer(env, 'PORT', 3000, 0, 65535),
    host: env['HOST'] || '127.0.0.1',
    app: {
      mode,
      databaseUrl: env['DATABASE_URL'] || undefined,
      dataDir: dataDir === 'memory' ? 'memory' : path.resolve(repoRoot, dataDir),
      sessionTtlMs: integer(env, 'SESSION_TTL_MS', DEFAULT_SESSION_TTL_MS, 1000, 365 * 86_400_000),
      logLevel: env['LOG_LEVEL'] || 'info',
      staticDir: env['STATIC_DIR'] || undefined,
      repoRoot,
      loginRateLimit: loginsPerMinute > 0 ? { max: loginsPerMinute, timeWindowMs: 60_000 } : false,
      corsOrigins: (env['CORS_ORIGIN'] ?? '')
        .split(',')
        .map((origin) => origin.trim())
        .filter(Boolean),
    },
  };
}
