/**
 * What only a real PostgreSQL shows, where transactions truly run side by side. Runs in the
 * suite's PostgreSQL run (SERVER_TEST_STORE=postgres with TEST_DATABASE_URL naming a throwaway
 * database, e.g. from `eval "$(bash .ci/postgres.sh)"`); the rest of the suite runs there too.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { migrate, MIGRATIONS } from '../src/store/migrations';
import { currentRevision } from '../src/store/records';
import { assertNoGap, runGapSafetyScenario, storeTarget } from './gap-safety';
import {
  change,
  login,
  pullAll,
  push,
  resetData,
  SMALL_SEED,
  startTestApp,
  TEST_STORE,
  workOrder,
} from './helpers';

const onPostgres = TEST_STORE === 'postgres';

if (!onPostgres) {
  test('PostgreSQL-only checks', { skip: 'they run in the PostgreSQL run of the suite' }, () => {});
}

describe('PostgreSQL', { skip: !onPostgres }, () => {
  let app: FastifyInstance;

  before(async () => {
    app = await startTestApp();
    await resetData(app);
  });
  after(() => app?.close());

  test('runs on PostgreSQL, and migrations are idempotent', async () => {
    assert.equal(app.db.driver, 'postgres');
    assert.deepEqual(await migrate(app.db), []);
    const { rows } = await app.db.query<{ version: number }>(
      'SELECT version FROM schema_migrations ORDER BY version',
    );
    assert.deepEqual(
      rows.map((row) => row.version),
      MIGRATIONS.map((migration) => migration.version),
    );
  });

  test('pull and push behave as on PGlite', async () => {
    const { token } = await login(app, 'alice');
    const { records } = await pullAll(app, token, 'customers', 5);
    assert.equal(records.length, SMALL_SEED.customers);
    const result = (await push(app, token, [change('workOrders', 'pg-wo', workOrder())]))
      .results[0];
    assert.equal(result?.status, 'applied');
  });

  test('a slow writer is not overtaken, and a pull in between skips nothing', async () => {
    const { user } = await login(app, 'alice');
    const outcome = await runGapSafetyScenario(storeTarget(app.db, user.id), 'postgres');
    assert.equal(
      outcome.pulledWhileOpen,
      true,
      'PostgreSQL answered the pull while the writer was open',
    );
    assertNoGap(outcome, 'postgres');
  });

  test('parallel pushes of one user get distinct revisions, all of them pulled', async () => {
    const { token, user } = await login(app, 'bob');
    const before = await currentRevision(app.db, user.id);
    const start = await pullAll(app, token, 'workOrders', 5000);
    const pushes = Array.from({ length: 20 }, (_, i) =>
      push(app, token, [
        change('workOrders', `par-${i}`, workOrder()),
        change('workOrders', `par-${i}-b`, workOrder()),
      ]),
    );
    const revs = (await Promise.all(pushes)).flatMap((response) =>
      response.results.map((result) => (result.status === 'applied' ? result.rev : -1)),
    );
    assert.deepEqual(
      [...revs].sort((a, b) => a - b),
      Array.from({ length: 40 }, (_, i) => before + 1 + i),
    );
    const pulled = await pullAll(app, token, 'workOrders', 7, start.checkpoint);
    assert.equal(pulled.records.length, 40);
  });
});
