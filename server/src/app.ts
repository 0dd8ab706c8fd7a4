/**
 * Builds the sync server: storage, schema migrations, demo data in demo mode, and the Fastify
 * instance with every route. Tests call it with an in-memory or shared database and drive it
 * with `app.inject`; main.ts calls it with what the environment says and listens.
 */
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { API_PREFIX } from '../../contract/protocol';
import { installErrorHandling } from './errors';
import { installJsonBodyParser } from './json-body';
import './request-context';
import { authRoutes, type AuthOptions } from './routes/auth';
import { DEFAULT_PRUNE_INTERVAL_MS, schedulePruning } from './prune-schedule';
import { isApi, registerStaticApp, resolveStaticDir } from './routes/static';
import { syncRoutes } from './routes/sync';
import { testRoutes } from './routes/test';
import { DEMO_COUNTS, seedDemoIn, type SeedCounts } from './seed/seed';
import { decoyPasswordHash } from './store/credentials';
import { openPostgres, type Db } from './store/db';
import { openPgliteThread } from './store/pglite-thread';
import { ChangeFeed, type RetrySchedule } from './store/change-feed';
import { HeadCache } from './store/head-cache';
import { SessionCache } from './store/session-cache';
import { readEpoch } from './store/epoch';
import { deleteEndedWindows } from './store/login-limits';
import { FIRST_START_LOCK, migrate } from './store/migrations';
import type { PushOptions } from './store/push';
import { DEFAULT_CHANGE_RETENTION_MS } from './store/pruning';
import { countUsers, deleteDeadSessions } from './store/users';
import { loggerOptions, type LogDestination } from './logging';
import { logAccountNotes } from './seed/start-notes';
import { TestState } from './testing/test-state';
import { DEFAULT_TIMEOUTS, timeoutOptions, type ServerTimeouts } from './timeouts';

export type ServerMode = 'normal' | 'test';

export interface AppOptions {
  /** A database to use as is; the app neither migrates twice nor closes it (tests share one). */
  db?: Db;
  /** PostgreSQL connection string; when absent the embedded PGlite store is used. */
  databaseUrl?: string;
  /**
   * Where the change notifications are LISTENed to (PostgreSQL only); `databaseUrl` by default.
   * Must reach PostgreSQL directly: a transaction-pooling pgbouncer can't hold a LISTEN.
   */
  listenDatabaseUrl?: string;
  /** How long a user's pull head may be answered from memory (PULL_HEAD_CACHE_MS); 0: never. */
  pullHeadCacheMs?: number;
  /** Test seam: when a lost LISTEN connection is tried again (1 s later by default). */
  changeFeedRetry?: RetrySchedule;
  /** PGlite's directory, or 'memory'; opened in a worker thread (store/pglite-thread.ts). */
  dataDir?: string;
  /** 'test' adds the /api/test routes and fault injection. */
  mode?: ServerMode;
  /**
   * Demo mode: an empty database gets the demo users (and `seed`'s data). Only in demo mode;
   * test mode implies it, so that is the default there. A production start creates no user.
   */
  demo?: boolean;
  sessionTtlMs?: number;
  /** Demo data per user on first start and on test resets; null: the demo users only. */
  seed?: SeedCounts | null;
  /** The Angular build to serve; null serves none; undefined: dist/field-sync/browser if built. */
  staticDir?: string | null;
  /** Where relative paths (static dir) are resolved; the repository root. */
  repoRoot?: string;
  /** pino level; 'silent' by default so tests stay quiet. */
  logLevel?: string;
  /** Where log lines go (stdout by default); tests capture them to check the redaction. */
  logStream?: LogDestination;
  /** The clock for session expiry, replaceable so tests can expire a session instantly. */
  now?: () => number;
  bodyLimit?: number;
  loginRateLimit?: AuthOptions['loginRateLimit'];
  /** Origins allowed to call the API cross-origin (e.g. `ng serve` on :4200); none by default. */
  corsOrigins?: readonly string[];
  /**
   * Which X-Forwarded-For hops to believe (Fastify's `trustProxy`): behind a load balancer the
   * client address, which the login limit keys on, is only known through it. Off by default.
   */
  trustProxy?: FastifyServerOptions['trustProxy'];
  /** How long clients may take to send a request, and to stay connected idle (timeouts.ts). */
  timeouts?: ServerTimeouts;
  /** How long applied changes are remembered for re-sends (30 days by default). */
  changeRetentionMs?: number;
  /** How often that retention and dead sessions are pruned (hourly by default). */
  pruneIntervalMs?: number;
  /** Test seam: holds a push open after it took a revision (PushOptions.afterRevision). */
  afterRevision?: PushOptions['afterRevision'];
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The store behind the routes, for tests and tooling. */
    readonly db: Db;
    /** Fault queue, journal and rejections; null outside test mode. */
    readonly testState: TestState | null;
    /** The users' cached pull heads, for tests. */
    readonly heads: HeadCache;
    /** The database's change notifications to this instance, for tests. */
    readonly changes: ChangeFeed;
  }
}

export const DEFAULT_SESSION_TTL_MS = 12 * 60 * 60 * 1000;
export const DEFAULT_BODY_LIMIT = 5 * 1024 * 1024;

function seedCountsOf(options: AppOptions): SeedCounts | null {
  return options.seed === undefined ? DEMO_COUNTS : options.seed;
}

function isDemo(options: AppOptions): boolean {
  return options.demo ?? options.mode === 'test';
}

/** Opens (or adopts) the database, migrates it, and in demo mode seeds the demo when empty. */
export async function prepareDatabase(options: AppOptions): Promise<Db> {
  const db =
    options.db ??
    (options.databaseUrl
      ? openPostgres(options.databaseUrl, options.listenDatabaseUrl || options.databaseUrl)
      : // In its own thread: PGlite's WASM would otherwise block the event loop per statement.
        await openPgliteThread(options.dataDir ?? 'memory'));
  try {
    await migrate(db);
    // Created at the first start; every later start (and every other instance) finds it.
    await readEpoch(db);
    if (isDemo(options)) {
      await db.transaction(async (tx) => {
        // Instances started together on an empty database would otherwise all see no users and
        // all seed; the first one seeds, the others wait here and then find its users.
        await tx.query(`SELECT pg_advisory_xact_lock(${FIRST_START_LOCK})`);
        if ((await countUsers(tx)) === 0) await seedDemoIn(tx, seedCountsOf(options));
      });
    }
    const now = (options.now ?? Date.now)();
    await deleteDeadSessions(db, now);
    await deleteEndedWindows(db, now);
  } catch (error) {
    // A database we opened must not outlive a failed start (PGlite holds its directory).
    if (!options.db) await db.close();
    throw error;
  }
  return db;
}

export async function buildApp(options: AppOptions = {}): Promise<FastifyInstance> {
  const db = await prepareDatabase(options);
  const now = options.now ?? Date.now;
  const testState = options.mode === 'test' ? new TestState() : null;
  const sessions = new SessionCache(db, now);
  const heads = new HeadCache(now, { ttlMs: options.pullHeadCacheMs });

  // Computed now, not on the first unknown username: that one would otherwise cost two scrypt
  // runs and stand out in the response time.
  await decoyPasswordHash();

  const app = Fastify({
    logger: loggerOptions(options.logLevel ?? 'silent', options.logStream),
    trustProxy: options.trustProxy ?? false,
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    ...timeoutOptions(options.timeouts ?? DEFAULT_TIMEOUTS),
    ajv: {
      // Fastify's defaults would quietly drop unknown properties and turn "5" into 5; a sync
      // client sending either has a bug it should hear about.
      customOptions: { removeAdditional: false, coerceTypes: false, allowUnionTypes: true },
    },
  });
  app.decorate('db', db);
  app.decorate('testState', testState);
  app.decorate('heads', heads);
  app.decorateRequest('user', null);
  const feed = new ChangeFeed(db, {
    heads,
    sessions,
    scheduleRetry: options.changeFeedRetry,
    onLost: (error) =>
      app.log.warn({ err: error }, 'change notifications lost: pull heads uncached until back'),
  });
  app.decorate('changes', feed);
  // Before the database's own hook: the listener goes first.
  app.addHook('onClose', () => feed.close());
  if (!options.db) app.addHook('onClose', () => db.close());
  await logAccountNotes(app.log, db, isDemo(options));

  // The API speaks JSON only; a text/plain body would otherwise reach the schemas as a string.
  app.removeContentTypeParser('text/plain');
  installJsonBodyParser(app);
  installErrorHandling(app);
  // API answers carry tokens and users' records: no browser or proxy cache may keep one, errors
  // and 404s included. onSend runs last, for every answer, whoever produced it.
  app.addHook('onSend', async (request, reply, payload) => {
    if (isApi(request.url)) reply.header('cache-control', 'no-store');
    return payload;
  });
  await app.register(helmet, {
    // The server speaks plain HTTP (TLS belongs to a proxy in front), so no HSTS and no upgrade.
    // Angular's build loads its stylesheet with an inline onload attribute: allow attributes.
    strictTransportSecurity: false,
    contentSecurityPolicy: {
      directives: { upgradeInsecureRequests: null, scriptSrcAttr: ["'unsafe-inline'"] },
    },
  });
  if (options.corsOrigins?.length) {
    await app.register(cors, { origin: [...options.corsOrigins], maxAge: 600 });
  }
  const loginRateLimit = options.loginRateLimit ?? false;
  await app.register(authRoutes, {
    prefix: `${API_PREFIX}/auth`,
    db,
    sessions,
    now,
    sessionTtlMs: options.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS,
    loginRateLimit,
  });
  await app.register(syncRoutes, {
    prefix: `${API_PREFIX}/sync`,
    db,
    sessions,
    heads,
    testState,
    afterRevision: options.afterRevision,
  });
  if (testState) {
    await app.register(testRoutes, {
      prefix: `${API_PREFIX}/test`,
      db,
      state: testState,
      sessions,
      heads,
      seedCounts: seedCountsOf(options),
    });
  }
  // For start scripts and load balancers: answers once the store is migrated and seeded.
  app.get(`${API_PREFIX}/health`, async () => ({ status: 'ok' }));
  const staticDir =
    options.staticDir === null
      ? null
      : resolveStaticDir(options.staticDir, options.repoRoot ?? process.cwd());
  await registerStaticApp(app, staticDir);
  await feed.start();
  // Last: a build that failed above leaves no timer behind.
  schedulePruning(app, {
    db,
    now,
    intervalMs: options.pruneIntervalMs ?? DEFAULT_PRUNE_INTERVAL_MS,
    retentionMs: options.changeRetentionMs ?? DEFAULT_CHANGE_RETENTION_MS,
  });
  return app;
}
