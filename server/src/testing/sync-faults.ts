/**
 * Test mode's hooks on the sync routes: the request journal, and the fault queue (fail with a
 * status, delay, or drop the connection mid-response).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import { Readable } from 'node:stream';
import type { Checkpoint, JournalEntry } from '../../../contract/protocol';
import type { TableName } from '../../../contract/tables';
import { sendError } from '../errors';
import type { TestState } from './test-state';

interface Tracked {
  readonly startedAt: number;
  dropped: boolean;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The tables of a pull body, when it has that shape; the journal also records invalid bodies. */
function pulledTables(body: unknown): JournalEntry['tables'] {
  const tables = (body as { tables?: unknown } | undefined)?.tables;
  if (!Array.isArray(tables)) return undefined;
  return tables.map((entry: { table?: unknown; checkpoint?: unknown }) => ({
    table: entry.table as TableName,
    checkpoint: (entry.checkpoint ?? null) as Checkpoint,
  }));
}

/**
 * Half the body, then an error: Fastify has sent the headers by then, so it destroys the socket
 * and the client sees a response cut off in the middle, like a connection lost mid-download.
 */
function truncated(payload: unknown): Readable {
  const text = typeof payload === 'string' ? payload : JSON.stringify(payload ?? '');
  let sentHalf = false;
  return new Readable({
    read() {
      if (sentHalf) {
        setImmediate(() => this.destroy(new Error('connection dropped by test fault')));
        return;
      }
      sentHalf = true;
      this.push(text.slice(0, Math.ceil(text.length / 2)));
    },
  });
}

/**
 * Installs, in this order: the journal's start, `authenticate`, then the fault queue. Faults
 * come after authentication so a request that gets a 401 anyway never uses one up.
 */
export function installTestHooks(
  app: FastifyInstance,
  state: TestState,
  authenticate: onRequestHookHandler,
): void {
  const tracked = new WeakMap<FastifyRequest, Tracked>();

  const record = (request: FastifyRequest, status: number) => {
    const entry = tracked.get(request);
    if (!entry) return;
    tracked.delete(request);
    const path = request.url.split('?')[0] ?? request.url;
    state.journal.add({
      username: request.user?.username ?? '',
      path,
      startedAt: entry.startedAt,
      endedAt: Date.now(),
      status,
      ...(path.endsWith('/pull') ? { tables: pulledTables(request.body) } : {}),
    });
  };

  app.addHook('onRequest', async (request) => {
    tracked.set(request, { startedAt: Date.now(), dropped: false });
  });
  app.addHook('onRequest', authenticate);
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const fault = state.faults.take();
    if (!fault) return;
    request.log.info({ fault }, 'applying test fault');
    switch (fault.mode) {
      case 'fail':
        await sendError(reply, fault.status, `injected fault: ${fault.status}`);
        return;
      case 'delay':
        await sleep(fault.ms);
        return;
      case 'drop': {
        const entry = tracked.get(request);
        if (entry) entry.dropped = true;
        return;
      }
    }
  });
  app.addHook('onSend', async (request, _reply, payload) => {
    if (!tracked.get(request)?.dropped) return payload;
    // The handler ran (a push is committed): what is lost is only the answer. Status 0 in the
    // journal says the client never got one; onResponse may not fire for a destroyed socket.
    record(request, 0);
    return truncated(payload);
  });
  app.addHook('onResponse', async (request, reply) => record(request, reply.statusCode));
}
