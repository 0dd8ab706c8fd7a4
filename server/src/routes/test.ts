/**
 * Test-mode routes under /api/test, for e2e tests to shape what the app meets. Registered only
 * when SYNC_SERVER_MODE=test; in any other mode these paths are plain 404s.
 */
import type { FastifyInstance } from 'fastify';
import type { FaultSpec } from '../../../contract/protocol';
import { FaultsBody, RejectBody, ResetBody, SeedBody } from '../schemas';
import { DEMO_COUNTS, resetAll, seedMore, type SeedCounts } from '../seed/seed';
import type { Db } from '../store/db';
import type { HeadCache } from '../store/head-cache';
import type { SessionCache } from '../store/session-cache';
import { ClientError } from '../store/records';
import { findUserByUsername } from '../store/users';
import type { TestState } from '../testing/test-state';

export interface TestRouteOptions {
  readonly db: Db;
  readonly state: TestState;
  /** Cleared by a reset, which deletes every session. */
  readonly sessions: SessionCache;
  /** Cleared by a reset too: every counter and the epoch change. */
  readonly heads: HeadCache;
  /** What a reset without `counts` seeds per user; null: users only. */
  readonly seedCounts: SeedCounts | null;
}

export async function testRoutes(app: FastifyInstance, options: TestRouteOptions): Promise<void> {
  const { db, state } = options;

  app.post<{ Body: FaultsBody }>('/faults', { schema: { body: FaultsBody } }, async (request) => {
    const specs: FaultSpec[] = Array.isArray(request.body) ? request.body : [request.body];
    state.faults.add(specs);
    return { pending: state.faults.pending() };
  });

  app.get('/faults', async () => ({ pending: state.faults.pending() }));

  app.delete('/faults', async (_request, reply) => {
    state.faults.clear();
    return reply.code(204).send();
  });

  app.get('/requests', async () => state.journal.list());

  app.delete('/requests', async (_request, reply) => {
    state.journal.clear();
    return reply.code(204).send();
  });

  app.post<{ Body: SeedBody }>('/seed', { schema: { body: SeedBody } }, async (request) => {
    const { username, table, count } = request.body;
    const ids = await seedMore(db, username, table, count);
    // Its notification says the same, a moment later on PostgreSQL.
    options.heads.clear();
    return { table, inserted: ids.length, firstId: ids[0], lastId: ids.at(-1) };
  });

  app.post<{ Body: ResetBody }>(
    '/reset',
    {
      schema: { body: ResetBody },
      // The body is optional; without one there is nothing to parse, so validate `{}` instead.
      preValidation: async (request) => {
        request.body ??= {};
      },
    },
    async (request) => {
      const body = request.body;
      const counts =
        body.demo === false
          ? null
          : body.counts
            ? { ...(options.seedCounts ?? DEMO_COUNTS), ...body.counts }
            : options.seedCounts;
      state.clear();
      const started = Date.now();
      await resetAll(db, counts);
      options.sessions.clear();
      options.heads.clear();
      request.log.info({ counts, ms: Date.now() - started }, 'test reset done');
      return { counts: counts ?? { customers: 0, products: 0, workOrders: 0 } };
    },
  );

  app.post<{ Body: RejectBody }>(
    '/reject',
    { schema: { body: RejectBody } },
    async (request, reply) => {
      const { username, table, id, count } = request.body;
      const user = await findUserByUsername(db, username);
      if (!user) throw new ClientError(404, `unknown user "${username}"`);
      state.rejections.arm(user.id, table, id, count);
      return reply.code(204).send();
    },
  );
}
