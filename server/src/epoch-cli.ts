/**
 * `npm run epoch -- show | rotate`: the operator's handle on the server's epoch
 * (docs/protocol.md, "Epochs"). Rotate it right after restoring a backup, so that every client
 * pulls everything again instead of trusting revisions from a history that no longer exists.
 *
 * Reads the store from the environment exactly as `npm run server` does: DATABASE_URL for
 * PostgreSQL, else the embedded store in SYNC_DATA_DIR (default .sync-data/). The embedded store
 * is one process's files: stop the server before running this against it.
 */
import path from 'node:path';
import { openConfiguredStore, type CliStore } from './cli-store';
import type { Db } from './store/db';
import { readEpoch, rotateEpoch } from './store/epoch';
import { migrate } from './store/migrations';

const USAGE = `usage: npm run epoch -- show | rotate

  show    prints the server's epoch
  rotate  gives the server a new epoch and prints it (run it after restoring a backup)

The store is chosen as for \`npm run server\`: DATABASE_URL (PostgreSQL), else the embedded store
in SYNC_DATA_DIR (default .sync-data/; stop the server first).`;

export type EpochCommand = 'show' | 'rotate';

export function isEpochCommand(value: string | undefined): value is EpochCommand {
  return value === 'show' || value === 'rotate';
}

/**
 * Runs one command on a migrated database and returns the epoch it shows or set. Migrating first
 * makes it work on a backup taken before epochs existed, as the server's start would.
 */
export async function runEpochCommand(db: Db, command: EpochCommand): Promise<string> {
  await migrate(db);
  return command === 'rotate' ? rotateEpoch(db) : readEpoch(db);
}

type Env = Readonly<Record<string, string | undefined>>;

/** Where the command reads its settings and writes its answers; the process's own by default. */
export interface EpochCliIo {
  readonly env: Env;
  /** Anchors the relative defaults (.sync-data/), as for the server. */
  readonly repoRoot: string;
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

/** The whole command: its exit code, 2 for a usage error, 1 when the store can't be used. */
export async function epochCli(argv: readonly string[], io: EpochCliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (!isEpochCommand(command) || rest.length > 0) {
    io.err(`${USAGE}\n`);
    return 2;
  }
  let store: CliStore;
  try {
    store = await openConfiguredStore(io.env, io.repoRoot);
  } catch (error) {
    io.err(`epoch: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  const { db, where } = store;
  try {
    const before = command === 'rotate' ? await runEpochCommand(db, 'show') : undefined;
    const epoch = await runEpochCommand(db, command);
    // The epoch alone on stdout, for scripts; what happened on stderr, for people.
    io.out(`${epoch}\n`);
    io.err(
      before === undefined
        ? `epoch of ${where}\n`
        : `epoch of ${where} rotated (was ${before}): clients pull everything again\n`,
    );
    return 0;
  } finally {
    await db.close();
  }
}

if (require.main === module) {
  epochCli(process.argv.slice(2), {
    env: process.env,
    repoRoot: path.resolve(__dirname, '..', '..'),
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
  }).then(
    (code) => process.exit(code),
    (error: unknown) => {
      // A failure past opening the store (a broken connection mid-way): say it, fail.
      process.stderr.write(`epoch: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
