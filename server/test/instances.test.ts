/**
 * Several server instances on one PostgreSQL, as N processes behind a load balancer: each with
 * its own `pg` pool, sharing only the database. Sessions, revision counters, remembered changes
 * and login limits all live there, so any instance may serve any request.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { PushChange, PushResult, ServerRecord } from '../../contract/protocol';
import { buildApp } from '../src/app';
import { MIGRATIONS } from '../src/store/migrations';
import type { PushOptions } from '../src/store/push';
import { currentRevision } from '../src/store/records';
import { assertNoGap, runGapSafetyScenario, type GapSafetyTarget } from './gap-safety';
import {
  call,
  change,
  login,
  pullOnce,
  push,
  SMALL_SEED,
  TEST_DATABASE_URL,
  TEST_STORE,
  wipeTestDatabase,
  workOrder,
} from './helpers';

const onPostgres = TEST_STORE === 'postgres';

if (!onPostgres) {
  const reason = 'PGlite is one connection inside one process: several instances need PostgreSQL';
  test('several instances on one database', { skip: reason }, () => {});
}

describe('two instances on one PostgreSQL', { skip: !onPostgres }, () => {
  let instances: FastifyInstance[] = [];
  /** Set by a test to hold the next push (on any instance) inside its transaction; used once. */
  let holdNext: PushOptions['afterRevision'];
  const afterRevision: PushOptions['afterRevision'] = async (rev, tx) => {
    const hold = holdNext;
    holdNext = undefined;
    await hold?.(rev, tx);
  };

  before(async () => {
    await wipeTestDatabase(TEST_DATABASE_URL!);
    // Started at the same moment on an empty database, as a deployment rolls out.
    const start = () =>
      buildApp({
        databaseUrl: TEST_DATABASE_URL,
        demo: true,
        seed: SMALL_SEED,
        staticDir: null,
        afterRevision,
      });
    instances = await Promise.all([start(), start(), start()]);
  });
  after(async () => {
    for (const instance of instances) await instance.close();
  });

  const via = (i: number) => instances[i % 2]!;

  test('started together on an empty database, they migrate and seed exactly once', async () => {
    const db = instances[0]!.db;
    const { rows } = await db.query<{ version: number }>('SELECT version FROM schema_migrations');
    assert.equal(rows.length, MIGRATIONS.length);
    const users = await db.query<{ id: string; n: unknown }>(
      `SELECT u.id, count(r.id) AS n FROM users u LEFT JOIN records r ON r.user_id = u.id
        GROUP BY u.id`,
    );
    assert.equal(users.rows.length, 2);
    for (const user of users.rows) {
      assert.equal(Number(user.n), await currentRevision(db, user.id), 'seeded once, not twice');
    }
  });

  test('a session opened on one instance works on the other; logout ends it on both', async () => {
    const { token } = await login(via(0), 'bob');
    assert.equal((await call(via(1), 'GET', '/api/sync/manifest', { token })).status, 200);
    assert.equal((await call(via(1), 'POST', '/api/auth/logout', { token })).status, 204);
    assert.equal((await call(via(0), 'GET', '/api/sync/manifest', { token })).status, 401);
    assert.equal((await call(via(1), 'GET', '/api/sync/manifest', { token })).status, 401);
  });

  test('a writer held open on one instance: the other one waits for it, and no pull skips it', async () => {
    // Bob: the next test counts every change Alice has applied.
    const { token } = await login(via(0), 'bob');
    // The slow writer goes through instance 0, the second writer and every pull through 1.
    const target: GapSafetyTarget = {
      driver: 'postgres',
      push: async (pushed, hold) => {
        holdNext = hold;
        return push(via(hold ? 0 : 1), token, [pushed]);
      },
      pull: async (checkpoint) =>
        (
          await pullOnce(via(1), token, {
            tables: [{ table: 'workOrders', checkpoint }],
            limit: 5000,
          })
        ).tables[0]!,
    };
    const outcome = await runGapSafetyScenario(target, 'instances');
    assert.equal(outcome.pulledWhileOpen, true, 'the other instance answered the pull at once');
    assertNoGap(outcome, 'instances');
  });

  test('concurrent pushes and pulls through both: no pull skips or repeats, re-sends apply once', async () => {
    const { token, user } = await login(via(0), 'alice');
    const db = instances[0]!.db;
    const revBefore = await currentRevision(db, user.id);
    const start = await pullOnce(via(1), token, {
      tables: [{ table: 'workOrders', checkpoint: null }],
      limit: 5000,
    });
    const checkpoint = start.tables[0]!.checkpoint;

    const applied = new Map<string, PushResult>();
    const batches = signals();
    const writer = async (w: number) => {
      for (let round = 0; round < 12; round++) {
        const batch: PushChange[] = [0, 1, 2].map((k) =>
          change('workOrders', `w${w}-r${round}-${k}`, workOrder()),
        );
        // Every third batch is sent to both instances at once, as a client retrying a request
        // whose response it lost while the first attempt was still running.
        const sends = round % 3 === 0 ? [via(w + round), via(w + round + 1)] : [via(w + round)];
        const responses = await Promise.all(sends.map((instance) => push(instance, token, batch)));
        for (const response of responses) assert.deepEqual(response, responses[0]);
        for (const result of responses[0]!.results) {
          assert.equal(result.status, 'applied', JSON.stringify(result));
          applied.set(result.changeId, result);
        }
        batches.signal();
      }
    };

    let writing = true;
    const puller = async (p: number) => {
      const seen: ServerRecord[] = [];
      let current = checkpoint;
      for (let i = 0; ; i++) {
        const finalPass = !writing;
        // Taken before the request, so a batch landing while it is on its way is not missed.
        const nextBatch = batches.next();
        const page = (
          await pullOnce(via(p + i), token, {
            tables: [{ table: 'workOrders', checkpoint: current }],
            limit: 4,
          })
        ).tables[0]!;
        seen.push(...page.records);
        current = page.checkpoint;
        if (finalPass && !page.hasMore) return seen;
        // Caught up: ask again once another batch is applied (or the writers are done), not
        // after a guessed pause.
        if (!page.hasMore) await nextBatch;
      }
    };

    const pullers = [0, 1, 2].map(puller);
    await Promise.all([0, 1, 2, 3].map(writer));
    writing = false;
    batches.signal();
    const pulled = await Promise.all(pullers);

    const revs = [...applied.values()].map((result) => (result as { rev: number }).rev);
    const expected = [...revs].sort((a, b) => a - b);
    assert.equal(expected.length, 4 * 12 * 3);
    assert.deepEqual(
      expected,
      Array.from({ length: expected.length }, (_, i) => revBefore + 1 + i),
    );
    for (const seen of pulled) {
      // Every record was written once and never again, so each applied revision must come
      // exactly once, in order: a missing one is a skip, a doubled one a repeat.
      assert.deepEqual(
        seen.map((record) => record.rev),
        expected,
      );
    }
    assert.equal(await currentRevision(db, user.id), revBefore + expected.length);
    const remembered = await db.query<{ n: unknown }>(
      'SELECT count(*) AS n FROM applied_changes WHERE user_id = $1',
      [user.id],
    );
    assert.equal(Number(remembered.rows[0]?.n), expected.length);
  });
});

/** `next()`: a promise that resolves at the first `signal()` after it was taken. */
function signals() {
  let wake!: () => void;
  let next = new Promise<void>((resolve) => (wake = resolve));
  return {
    next: () => next,
    signal() {
      wake();
      next = new Promise<void>((resolve) => (wake = resolve));
    },
  };
}
