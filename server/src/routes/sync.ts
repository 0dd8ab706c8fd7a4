/** The sync endpoints: manifest, pull, push and records, all behind the bearer-token check. */
import type { FastifyInstance } from 'fastify';
import { DEFAULT_PULL_LIMIT, type PullRequest } from '../../../contract/protocol';
import { callerOf } from '../request-context';
import { PullBody, PushBody, RecordsBody } from '../schemas';
import type { Db } from '../store/db';
import type { HeadCache } from '../store/head-cache';
import { pull } from '../store/pull';
import type { SessionCache } from '../store/session-cache';
import { pushChanges, type PushOptions } from '../store/push';
import { readManifest, readRecords } from '../store/records';
import { installTestHooks } from '../testing/sync-faults';
import type { TestState } from '../testing/test-state';
import { authenticate } from './auth';

export interface SyncOptions {
  readonly db: Db;
  readonly sessions: SessionCache;
  readonly heads: HeadCache;
  /** Present in test mode only: faults, the journal and armed rejections apply to these routes. */
  readonly testState: TestState | null;
  /** Test seam of the push path (PushOptions.afterRevision); none in a running server. */
  readonly afterRevision?: PushOptions['afterRevision'];
}

export async function syncRoutes(app: FastifyInstance, options: SyncOptions): Promise<void> {
  const { db, heads, testState } = options;
  const checkToken = authenticate(options.sessions);
  if (testState) installTestHooks(app, testState, checkToken);
  else app.addHook('onRequest', checkToken);

  app.get('/manifest', async (request) => readManifest(db, callerOf(request).id));

  app.post<{ Body: PullBody }>('/pull', { schema: { body: PullBody } }, async (request) => {
    const body: PullRequest = request.body;
    return pull(db, callerOf(request).id, body.tables, body.limit ?? DEFAULT_PULL_LIMIT, heads);
  });

  app.post<{ Body: PushBody }>('/push', { schema: { body: PushBody } }, async (request) => {
    const rejections = testState?.rejections;
    const userId = callerOf(request).id;
    try {
      return await pushChanges(db, userId, request.body.changes, {
        takeRejection: rejections ? (...key) => rejections.take(...key) : undefined,
        afterRevision: options.afterRevision,
      });
    } finally {
      // The database's notification says the same, a moment later on PostgreSQL: this
      // instance's next pull already sees the push's writes.
      heads.invalidate(userId);
    }
  });

  app.post<{ Body: RecordsBody }>('/records', { schema: { body: RecordsBody } }, async (request) =>
    readRecords(db, callerOf(request).id, request.body.table, request.body.ids),
  );
}
