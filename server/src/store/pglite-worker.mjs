// @ts-check
/**
 * The embedded database's own thread: PGlite (PostgreSQL compiled to WASM) runs every statement
 * synchronously on the thread that calls it, so on the server's event loop a 500-change push
 * would stall every other request, health checks included. Here it stalls only this thread.
 *
 * Plain JavaScript on purpose: tsx's loader hooks do not reach worker threads on Node 20, so a
 * TypeScript worker would not load under `npm run server` or the test runner.
 *
 * The protocol (pglite-thread.ts is the other side), one reply per request, matched by `id`:
 *   { id, op: 'query', sql, params, tx? }   → { id, ok: true, value: { rows, rowCount } }
 *   { id, op: 'begin' }                     → { id, ok: true, value: <transaction number> }
 *   { id, op: 'commit' | 'rollback', tx }   → { id, ok: true }
 *   { id, op: 'close' }                     → { id, ok: true }, then the thread ends
 *   { id, op: 'listen', channel }           → { id, ok: true }, then { notify: channel, payload }
 *                                             for each NOTIFY, posted before the notifying
 *                                             statement's (or COMMIT's) own reply
 * A result of more than ROWS_PER_MESSAGE rows comes first as parts, { id, part: [rows] }, each
 * sent once the previous one was taken ({ id, op: 'more' }): deserialising 5,000 rows at once
 * would block the server's event loop for tens of milliseconds, a part at a time lets it breathe.
 * On failure { id, ok: false, error: { message, code, ... } }, so PostgreSQL's error codes
 * (23505, 40001, 22xxx...) survive the thread boundary. `{ ready: true }` is sent once PGlite is
 * open. PGlite has one connection: an open transaction excludes every other query (PGlite's own
 * mutex queues them) until it commits or rolls back.
 */
import { PGlite } from '@electric-sql/pglite';
import { parentPort, workerData } from 'node:worker_threads';

if (!parentPort) throw new Error('pglite-worker.mjs runs only as a worker thread');
const port = parentPort;

/** The fields of a PostgreSQL error the store and the error handler may read. */
const ERROR_FIELDS = [
  'name',
  'code',
  'severity',
  'detail',
  'hint',
  'position',
  'schema',
  'table',
  'column',
  'dataType',
  'constraint',
  'routine',
];

/** @param {unknown} error */
function serializeError(error) {
  const source = /** @type {Record<string, unknown>} */ (
    error instanceof Error ? error : { message: String(error) }
  );
  /** @type {Record<string, unknown>} */
  const plain = { message: source['message'] };
  for (const field of ERROR_FIELDS) {
    const value = source[field];
    if (typeof value === 'string' || typeof value === 'number') plain[field] = value;
  }
  return plain;
}

/**
 * @typedef {import('@electric-sql/pglite').Transaction} Transaction
 * @typedef {{ tx: Transaction, finish: (commit: boolean) => void, done: Promise<unknown> }} OpenTx
 */

const ROWS_PER_MESSAGE = 500;
/** Parts waiting for the server thread to take the previous one, by request id. */
/** @type {Map<number, () => void>} */
const taken = new Map();

/**
 * @param {number} id
 * @param {{ rows: unknown[], rowCount: number }} result
 */
async function sendResult(id, result) {
  const { rows } = result;
  const last = Math.max(0, Math.ceil(rows.length / ROWS_PER_MESSAGE) - 1) * ROWS_PER_MESSAGE;
  for (let start = 0; start < last; start += ROWS_PER_MESSAGE) {
    /** @type {Promise<void>} */
    const next = new Promise((resolve) => taken.set(id, resolve));
    port.postMessage({ id, part: rows.slice(start, start + ROWS_PER_MESSAGE) });
    await next;
  }
  port.postMessage({ id, ok: true, value: { rows: rows.slice(last), rowCount: result.rowCount } });
}

const dataDir = /** @type {{ dataDir: string }} */ (workerData).dataDir;
const pglite = dataDir === 'memory' ? await PGlite.create() : await PGlite.create(dataDir);
/** @type {Map<number, OpenTx>} */
const open = new Map();
let lastTx = 0;

/**
 * @param {Pick<PGlite, 'query'>} target
 * @param {string} sql
 * @param {unknown[] | undefined} params
 */
async function run(target, sql, params) {
  const result = await target.query(sql, params);
  return { rows: result.rows, rowCount: result.affectedRows || result.rows.length };
}

/** Opens a transaction and resolves with its number once BEGIN ran; it ends on commit/rollback. */
function begin() {
  const number = ++lastTx;
  return new Promise((resolve, reject) => {
    /** @type {(commit: boolean) => void} */
    let finish = () => {};
    /** @type {Promise<boolean>} */
    const decided = new Promise((resolveDecision) => (finish = resolveDecision));
    const done = pglite
      .transaction(async (tx) => {
        open.set(number, { tx, finish, done });
        resolve(number);
        if (!(await decided)) await tx.rollback();
      })
      .finally(() => open.delete(number));
    // A BEGIN that failed never reached the callback: that failure is the answer to `begin`.
    done.catch(reject);
  });
}

/**
 * @param {number} number
 * @param {boolean} commit
 */
async function end(number, commit) {
  const entry = open.get(number);
  if (!entry) throw new Error(`transaction ${number} is not open`);
  entry.finish(commit);
  await entry.done;
}

/** @param {any} message */
async function handle(message) {
  switch (message.op) {
    case 'query': {
      const target = message.tx === undefined ? pglite : open.get(message.tx)?.tx;
      if (!target) throw new Error(`transaction ${message.tx} is not open`);
      return run(target, message.sql, message.params);
    }
    case 'begin':
      return begin();
    case 'commit':
      return end(message.tx, true);
    case 'rollback':
      return end(message.tx, false);
    case 'listen': {
      /** @type {string} */
      const channel = message.channel;
      // PGlite calls this while the notifying statement runs: the message goes out before that
      // statement's reply, so the server thread hears of a write before the writer does.
      await pglite.listen(channel, (payload) => port.postMessage({ notify: channel, payload }));
      return undefined;
    }
    case 'close':
      await pglite.close();
      return undefined;
    default:
      throw new Error(`unknown operation ${String(message.op)}`);
  }
}

port.on('message', (message) => {
  if (message.op === 'more') {
    taken.get(message.id)?.();
    taken.delete(message.id);
    return;
  }
  handle(message).then(
    async (value) => {
      if (message.op === 'query') return sendResult(message.id, value);
      port.postMessage({ id: message.id, ok: true, value });
      if (message.op === 'close') port.close();
    },
    (error) => port.postMessage({ id: message.id, ok: false, error: serializeError(error) }),
  );
});
port.postMessage({ ready: true });
