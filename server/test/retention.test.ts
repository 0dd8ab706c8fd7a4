/**
 * Bounded storage (issue 13, item 6): remembered results of applied changes past the retention
 * window and dead sessions are pruned, on a schedule, safely from several instances; and a change
 * re-sent after its window is decided again, never applied blindly (docs/protocol.md, "After the
 * retention window").
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, mock, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app';
import { readConfig } from '../src/config';
import { hashToken } from '../src/store/credentials';
import { openPostgres, type Db } from '../src/store/db';
import { PRUNE_LOCK, pruneStorage } from '../src/store/pruning';
import { createSession } from '../src/store/users';
import {
  call,
  change,
  login,
  resetData,
  startTestApp,
  TEST_DATABASE_URL,
  TEST_STORE,
} from './helpers';
import {
  asApplied,
  asConflict,
  createdOrder,
  edit,
  pushOne,
  stored,
  writeState,
} from './integrity-helpers';

const DAY = 86_400_000;
const RETENTION = 30 * DAY;

let app: FastifyInstance;
let clock = Date.now();
let token: string;
let userId: string;

async function relogin(): Promise<void> {
  const session = await login(app, 'alice');
  token = session.token;
  userId = session.user.id;
}

before(async () => {
  app = await startTestApp({ now: () => clock });
  await relogin();
});
after(() => app.close());
beforeEach(async () => {
  await resetData(app);
  clock = Date.now();
  await relogin();
});

async function remembered(): Promise<number> {
  const { rows } = await app.db.query<{ n: unknown }>('SELECT count(*) AS n FROM applied_changes');
  return Number(rows[0]?.n);
}

/** The clock moves past the window and the pruning runs; the device logs in again. */
async function pruneAfterWindow(): Promise<void> {
  clock += RETENTION + DAY;
  const result = await pruneStorage(app.db, { now: clock, retentionMs: RETENTION });
  assert.equal(result.skipped, false);
  assert.equal(await remembered(), 0);
  await relogin();
}

describe('pruning, with an injected clock', () => {
  test('remembered results go after the retention window, not before; records stay', async () => {
    const order = await createdOrder(app, token, 'wo-retained');
    asApplied(await pushOne(app, token, edit('workOrders', order, { title: 'Two' })));
    assert.equal(await remembered(), 2);
    const early = await pruneStorage(app.db, { now: clock + 29 * DAY, retentionMs: RETENTION });
    assert.equal(early.appliedChanges, 0);
    assert.equal(await remembered(), 2);
    const late = await pruneStorage(app.db, { now: clock + 31 * DAY, retentionMs: RETENTION });
    assert.equal(late.appliedChanges, 2);
    assert.equal(await remembered(), 0);
    assert.equal((await stored(app, userId, 'workOrders', 'wo-retained'))?.data?.['title'], 'Two');
  });

  test('in batches, until none is left', async () => {
    for (let i = 0; i < 5; i++) await createdOrder(app, token, `wo-batch-${i}`);
    const result = await pruneStorage(app.db, {
      now: clock + 31 * DAY,
      retentionMs: RETENTION,
      batchSize: 2,
    });
    assert.equal(result.appliedChanges, 5);
    assert.equal(await remembered(), 0);
  });

  test('expired and revoked sessions go, live ones stay', async () => {
    const revoked = (await login(app, 'alice')).token;
    assert.equal((await call(app, 'POST', '/api/auth/logout', { token: revoked })).status, 204);
    const expired = (await createSession(app.db, userId, clock - 2 * DAY, DAY)).token;
    const result = await pruneStorage(app.db, { now: clock, retentionMs: RETENTION });
    assert.ok(result.sessions >= 2, `${result.sessions} sessions pruned`);
    const { rows } = await app.db.query<{ token_hash: string }>('SELECT token_hash FROM sessions');
    const left = new Set(rows.map((row) => row.token_hash));
    assert.equal(left.has(hashToken(revoked)), false);
    assert.equal(left.has(hashToken(expired)), false);
    assert.equal(left.has(hashToken(token)), true);
    assert.equal((await call(app, 'GET', '/api/sync/manifest', { token })).status, 200);
  });
});

describe('a change re-sent after its window', () => {
  test('a create meets its own record: a conflict that writes nothing', async () => {
    const create = change('workOrders', 'wo-late-create', {
      title: 'Late',
      customerId: 'cus-000001',
      status: 'open',
    });
    asApplied(await pushOne(app, token, create));
    await pruneAfterWindow();
    const before = await writeState(app, userId);
    const again = asConflict(await pushOne(app, token, create));
    assert.deepEqual(again.fields, []);
    assert.equal(again.reason, 'a record with this id already exists on the server');
    assert.deepEqual(await writeState(app, userId), before);
  });

  test('an edit is merged again: the same values, or a conflict if its field moved on', async () => {
    const order = await createdOrder(app, token, 'wo-late-edit');
    const first = edit('workOrders', order, { title: 'One' });
    const applied = asApplied(await pushOne(app, token, first));
    const other = await createdOrder(app, token, 'wo-late-clash');
    const clashing = edit('workOrders', other, { title: 'Mine' });
    const mine = asApplied(await pushOne(app, token, clashing));
    asApplied(await pushOne(app, token, edit('workOrders', mine.record, { title: 'Theirs' })));
    await pruneAfterWindow();

    const again = asApplied(await pushOne(app, token, first));
    assert.ok(again.rev > applied.rev, 'decided again, so a new revision');
    assert.deepEqual(again.record.data, applied.record.data);
    assert.deepEqual(asConflict(await pushOne(app, token, clashing)).fields, ['title']);
    assert.equal((await stored(app, userId, 'workOrders', other.id))?.data?.['title'], 'Theirs');
  });

  test('a priorChangeId no longer known: merged on its own base, so a conflict, never an overwrite', async () => {
    // Per record: the device's write whose answer was lost, then another device's edit of it.
    const lostWriteThenOther = async (id: string) => {
      const seen = await createdOrder(app, token, id);
      const lost = edit('workOrders', seen, { title: 'Mine' });
      asApplied(await pushOne(app, token, lost));
      const current = (await stored(app, userId, 'workOrders', id))!;
      asApplied(await pushOne(app, token, edit('workOrders', current, { title: 'Theirs' })));
      // The device's next edit, on top of its lost write, still names it.
      const next = edit(
        'workOrders',
        seen,
        { title: 'Mine', status: 'done' },
        {
          priorChangeIds: [lost.changeId],
        },
      );
      return next;
    };
    const within = await lostWriteThenOther('wo-prior-within');
    const beyond = await lostWriteThenOther('wo-prior-beyond');
    // Within the window the lost write is the base: the other device's title survives.
    const merged = asApplied(await pushOne(app, token, within));
    assert.deepEqual(
      [merged.record.data?.['title'], merged.record.data?.['status']],
      ['Theirs', 'done'],
    );
    await pruneAfterWindow();
    const conflict = asConflict(await pushOne(app, token, { ...beyond }));
    assert.deepEqual(conflict.fields, ['title']);
    assert.equal(conflict.server.data?.['title'], 'Theirs');
  });
});

describe('the schedule', () => {
  test('CHANGE_RETENTION_DAYS and PRUNE_INTERVAL_MS: 30 days, hourly by default', () => {
    const defaults = readConfig({}, '/repo').app;
    assert.deepEqual(
      [defaults.changeRetentionMs, defaults.pruneIntervalMs],
      [RETENTION, 3_600_000],
    );
    const set = readConfig({ CHANGE_RETENTION_DAYS: '90', PRUNE_INTERVAL_MS: '600000' }, '/repo');
    assert.deepEqual([set.app.changeRetentionMs, set.app.pruneIntervalMs], [90 * DAY, 600_000]);
    assert.throws(() => readConfig({ CHANGE_RETENTION_DAYS: '0' }, '/repo'), /CHANGE_RETENTION/);
  });

  test('prunes on its interval, and stops when the app closes', async () => {
    await createdOrder(app, token, 'wo-scheduled');
    let runs = 0;
    // Counts the pruning's transactions: the first statement of a run is synchronous with the tick.
    const counting: Db = {
      driver: app.db.driver,
      query: (sql, params) => app.db.query(sql, params),
      transaction: (fn) => {
        runs++;
        return app.db.transaction(fn);
      },
      close: async () => undefined,
    };
    mock.timers.enable({ apis: ['setInterval'] });
    try {
      const scheduled = await buildApp({
        db: counting,
        staticDir: null,
        now: () => clock + 31 * DAY,
        pruneIntervalMs: 60_000,
      });
      runs = 0;
      mock.timers.tick(59_999);
      assert.equal(runs, 0);
      mock.timers.tick(1);
      assert.equal(runs, 1);
      await scheduled.close(); // waits for the run in progress
      assert.equal(await remembered(), 0);
      mock.timers.tick(10 * 60_000);
      assert.equal(runs, 1, 'no run after close');
    } finally {
      mock.timers.reset();
    }
  });
});

describe('several instances on one PostgreSQL', { skip: TEST_STORE !== 'postgres' }, () => {
  let other: Db;
  before(() => {
    other = openPostgres(TEST_DATABASE_URL!);
  });
  after(() => other?.close());

  /** `n` remembered results of alice's from 40 days ago, written directly. */
  async function oldResults(n: number): Promise<void> {
    await app.db.query(
      `INSERT INTO applied_changes (user_id, change_id, result, applied_at)
       SELECT $1, 'old-' || i, '{}'::jsonb, now() - interval '40 days'
         FROM generate_series(1, $2::int) AS i`,
      [userId, n],
    );
  }

  test('a prune while another instance holds the lock is skipped', async () => {
    await oldResults(10);
    let release = () => {};
    let held = () => {};
    const lockHeld = new Promise<void>((resolve) => (held = resolve));
    const holder = other.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [PRUNE_LOCK]);
      held();
      await new Promise<void>((resolve) => (release = resolve));
    });
    await lockHeld;
    const result = await pruneStorage(app.db, { now: clock, retentionMs: RETENTION });
    release();
    await holder;
    assert.deepEqual(result, { skipped: true, appliedChanges: 0, sessions: 0 });
    assert.equal(await remembered(), 10);
  });

  test('two prunes at once delete every old result exactly once', async () => {
    await oldResults(3_000);
    const options = { now: clock, retentionMs: RETENTION, batchSize: 100 };
    const results = await Promise.all([
      pruneStorage(app.db, options),
      pruneStorage(other, options),
    ]);
    assert.equal(
      results.reduce((sum, result) => sum + result.appliedChanges, 0),
      3_000,
    );
    assert.equal(await remembered(), 0);
  });
});
