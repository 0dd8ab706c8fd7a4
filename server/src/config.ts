/**
 * Reads the server's settings from environment variables (docs/server.md lists them), failing
 * fast with a clear message on a malformed value rather than starting half-configured.
 */
import path from 'node:path';
import { DEFAULT_BODY_LIMIT, DEFAULT_SESSION_TTL_MS, type AppOptions } from './app';
import { DEFAULT_PRUNE_INTERVAL_MS } from './prune-schedule';
import { PULL_HEAD_CACHE_MS } from './store/head-cache';
import { DEFAULT_CHANGE_RETENTION_MS } from './store/pruning';
import { DEFAULT_TIMEOUTS, type ServerTimeouts } from './timeouts';

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

function flag(env: Env, name: string): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '' || raw === '0' || raw === 'false') return false;
  if (raw === '1' || raw === 'true') return true;
  throw new Error(`${name} must be 1, true, 0, false or unset, got "${raw}"`);
}

function serverMode(raw: string | undefined): AppOptions['mode'] {
  if (raw === undefined || raw === '' || raw === 'production' || raw === 'normal') return 'normal';
  if (raw === 'test') return 'test';
  throw new Error(`SYNC_SERVER_MODE must be "test", "production" or unset, got "${raw}"`);
}

/**
 * TRUST_PROXY: `true` (believe every X-Forwarded-For hop: only when nothing but the proxy can
 * reach the server), a hop count, or a comma-separated list of proxy addresses/CIDRs.
 */
function trustProxy(raw: string | undefined): AppOptions['trustProxy'] {
  if (raw === undefined || raw === '' || raw === 'false') return false;
  if (raw === 'true') return true;
  if (/^[0-9]+$/.test(raw)) {
    // What Fastify does with a number, which its types don't accept.
    const hops = Number(raw);
    return (_address: string, hop: number) => hop < hops;
  }
  const list = raw.split(',').map((entry) => entry.trim());
  if (list.some((entry) => !/^[0-9a-fA-F.:]+(\/[0-9]{1,3})?$/.test(entry))) {
    throw new Error(`TRUST_PROXY must be true, a hop count or addresses/CIDRs, got "${raw}"`);
  }
  return list;
}

const DAY_MS = 86_400_000;
const RETENTION_DAYS = DEFAULT_CHANGE_RETENTION_MS / DAY_MS;

/** The *_TIMEOUT_MS variables; each bound keeps one timeout from undoing another. */
function serverTimeouts(env: Env): ServerTimeouts {
  const hour = 3_600_000;
  const requestMs = integer(env, 'REQUEST_TIMEOUT_MS', DEFAULT_TIMEOUTS.requestMs, 1000, hour);
  // Node refuses a headers timeout above the request timeout.
  const headersDefault = Math.min(DEFAULT_TIMEOUTS.headersMs, requestMs);
  const headersMs = integer(env, 'HEADERS_TIMEOUT_MS', headersDefault, 1000, requestMs);
  const keepAliveMs = integer(
    env,
    'KEEP_ALIVE_TIMEOUT_MS',
    DEFAULT_TIMEOUTS.keepAliveMs,
    1000,
    hour,
  );
  // Below the keep-alive timeout, the idle timeout would close kept-alive connections first.
  const idleDefault = Math.max(DEFAULT_TIMEOUTS.idleMs, keepAliveMs);
  const idleMs = integer(env, 'IDLE_TIMEOUT_MS', idleDefault, keepAliveMs, hour);
  return { requestMs, headersMs, keepAliveMs, idleMs };
}

/** `repoRoot` anchors the relative defaults (.sync-data/, dist/...) whatever the cwd. */
export function readConfig(env: Env, repoRoot: string): ServerConfig {
  const mode = serverMode(env['SYNC_SERVER_MODE']);
  // Test mode resets to the demo on request, so it implies it.
  const demo = flag(env, 'SYNC_DEMO') || mode === 'test';
  const dataDir = env['SYNC_DATA_DIR'] || '.sync-data';
  // Off by default in test mode: e2e suites log in far more often than people do.
  const loginsPerMinute = integer(env, 'LOGIN_RATE_LIMIT', mode === 'test' ? 0 : 30, 0, 1_000_000);
  const perUsernameAndAddress = integer(env, 'LOGIN_RATE_LIMIT_PER_USER', 10, 0, 1_000_000);
  const perUsername = integer(env, 'LOGIN_RATE_LIMIT_CEILING', 100, 0, 1_000_000);
  return {
    port: integer(env, 'PORT', 3000, 0, 65535),
    host: env['HOST'] || '127.0.0.1',
    app: {
      mode,
      demo,
      databaseUrl: env['DATABASE_URL'] || undefined,
      listenDatabaseUrl: env['LISTEN_DATABASE_URL'] || undefined,
      pullHeadCacheMs: integer(env, 'PULL_HEAD_CACHE_MS', PULL_HEAD_CACHE_MS, 0, 60_000),
      dataDir: dataDir === 'memory' ? 'memory' : path.resolve(repoRoot, dataDir),
      sessionTtlMs: integer(env, 'SESSION_TTL_MS', DEFAULT_SESSION_TTL_MS, 1000, 365 * 86_400_000),
      logLevel: env['LOG_LEVEL'] || 'info',
      staticDir: env['STATIC_DIR'] || undefined,
      repoRoot,
      // LOGIN_RATE_LIMIT=0 switches the whole limit off (test mode's default), every key.
      loginRateLimit:
        loginsPerMinute > 0
          ? { perAddress: loginsPerMinute, perUsernameAndAddress, perUsername, windowMs: 60_000 }
          : false,
      bodyLimit: integer(env, 'BODY_LIMIT', DEFAULT_BODY_LIMIT, 1024, 100 * 1024 * 1024),
      trustProxy: trustProxy(env['TRUST_PROXY']),
      timeouts: serverTimeouts(env),
      changeRetentionMs: integer(env, 'CHANGE_RETENTION_DAYS', RETENTION_DAYS, 1, 3650) * DAY_MS,
      pruneIntervalMs: integer(
        env,
        'PRUNE_INTERVAL_MS',
        DEFAULT_PRUNE_INTERVAL_MS,
        1000,
        86_400_000,
      ),
      corsOrigins: (env['CORS_ORIGIN'] ?? '')
        .split(',')
        .map((origin) => origin.trim())
        .filter(Boolean),
    },
  };
}
