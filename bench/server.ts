/**
 * The benchmark's sync server: the real server (buildApp, test mode, embedded PGlite in memory,
 * serving the production build), started the way server/src/main.ts starts it, with a bench-only
 * seed instead of the demo data:
 *
 *   BENCH_USERS="alice:100000,bob:10000"   user:records (about; lines are 1–3 per work order)
 *
 * Each user's records are the server's own generated demo records (same generator, same
 * revision order), scaled up and then padded with SQL to about 0.5 KB on the wire each (free-text
 * fields the registry declares: customers' address, products' name, work orders' notes, lines'
 * note), so the client stores every padded byte. The padding keeps each record's revision.
 *
 * Run by bench/run.mjs (`npx tsx bench/server.ts`); prints `BENCH_SERVER_READY <json>` once
 * listening. Nothing here changes the server's code: it only calls what it exports.
 */
import path from 'node:path';
import { buildApp } from '../server/src/app';
import { readConfig } from '../server/src/config';
import { seedUserData } from '../server/src/seed/seed';
import { createUser } from '../server/src/store/users';

interface BenchUser {
  username: string;
  records: number;
}

function benchUsers(raw: string | undefined): BenchUser[] {
  return (raw || 'alice:100000,bob:10000').split(',').map((entry) => {
    const [username, records] = entry.split(':');
    const count = Number(records);
    if (!username || !Number.isInteger(count) || count < 100) {
      throw new Error(`BENCH_USERS entry "${entry}" must be user:records (records >= 100)`);
    }
    return { username, records: count };
  });
}

/** Shares like the demo's: few master records, lines about twice the work orders. */
function countsFor(records: number) {
  return {
    customers: Math.round(records * 0.05),
    products: Math.round(records * 0.03),
    workOrders: Math.round(records * 0.307),
  };
}

/** A deterministic, record-specific filler of `length` characters (hex, from md5 of the id). */
const filler = (length: number) =>
  `substr(repeat(md5(id) || md5(id || 'x'), ${Math.ceil(length / 64)}), 1, ${length})`;

const PADDING: Record<string, string> = {
  customers: `jsonb_set(data, '{address}', to_jsonb((data->>'address') || ' ' || ${filler(265)}))`,
  products: `jsonb_set(data, '{name}', to_jsonb((data->>'name') || ' ' || ${filler(175)}))`,
  workOrders: `data || jsonb_build_object('notes', ${filler(300)})`,
  workOrderLines: `data || jsonb_build_object('note', ${filler(345)})`,
};

async function main(): Promise<void> {
  const repoRoot = path.resolve(__dirname, '..');
  const config = readConfig(
    { ...process.env, SYNC_SERVER_MODE: 'test', SYNC_DATA_DIR: 'memory', HOST: '127.0.0.1' },
    repoRoot,
  );
  const started = Date.now();
  // seed: null: the demo users only; their bench data is seeded below.
  const app = await buildApp({
    ...config.app,
    seed: null,
    logLevel: process.env.LOG_LEVEL ?? 'warn',
  });
  const users = benchUsers(process.env.BENCH_USERS);
  const seeded: Record<string, unknown> = {};
  for (const user of users) {
    const { rows } = await app.db.query<{ id: string }>(
      'SELECT id FROM users WHERE username = $1',
      [user.username],
    );
    // alice and bob are the demo's; any other bench user is created, password `<name>-bench-pass`.
    const userId =
      rows[0]?.id ??
      (
        await createUser(app.db, {
          username: user.username,
          name: `Bench ${user.username}`,
          password: `${user.username}-bench-pass`,
        })
      ).id;
    await seedUserData(app.db, userId, user.username, countsFor(user.records));
    for (const [table, expression] of Object.entries(PADDING)) {
      await app.db.query(
        `UPDATE records SET data = ${expression} WHERE user_id = $1 AND table_name = $2`,
        [userId, table],
      );
    }
    const counts = await app.db.query<{ table_name: string; n: unknown; bytes: unknown }>(
      `SELECT table_name, count(*) AS n, avg(length(data::text)) AS bytes
         FROM records WHERE user_id = $1 GROUP BY table_name`,
      [userId],
    );
    seeded[user.username] = Object.fromEntries(
      counts.rows.map((row) => [
        row.table_name,
        { count: Number(row.n), avgDataChars: Math.round(Number(row.bytes)) },
      ]),
    );
  }
  // Vacuum so the server starts the benchmark without the update's dead rows.
  await app.db.query('VACUUM ANALYZE records');
  const address = await app.listen({ port: config.port, host: '127.0.0.1' });
  process.stdout.write(
    `BENCH_SERVER_READY ${JSON.stringify({ address, seedMs: Date.now() - started, seeded })}\n`,
  );

  const shutdown = () => {
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench server failed: ${String((error as Error)?.stack ?? error)}\n`);
  process.exit(1);
});
