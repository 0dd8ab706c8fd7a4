/**
 * `npm run users -- add | passwd | disable | list`: the operator's way to manage accounts
 * (docs/deployment.md walks a first install with it). Works on the store `npm run server` is
 * configured with (cli-store.ts): DATABASE_URL, else the embedded store in SYNC_DATA_DIR, which
 * `add` creates if it doesn't exist yet. Stop the server before using it on the embedded store.
 *
 * Passwords come from SYNC_USER_PASSWORD, else from a prompt that doesn't echo, asked twice.
 */
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { read } from 'read';
import { openConfiguredStore, openOrCreateConfiguredStore, type CliStore } from './cli-store';
import {
  AccountError,
  addAccount,
  checkExists,
  checkNewAccount,
  disableAccount,
  listAccounts,
  MIN_PASSWORD_LENGTH,
  setPassword,
  type AccountSummary,
} from './store/accounts';
import type { Db } from './store/db';
import { migrate } from './store/migrations';

const USAGE = `usage: npm run users -- <command>

  add <username> --name "<Full name>"   creates a user
  passwd <username>                     sets a new password and ends the user's sessions
  disable <username>                    refuses the user's logins and ends its sessions
  list                                  username, name, disabled, created (never a hash)

The password (add, passwd) comes from SYNC_USER_PASSWORD, else from a prompt (asked twice);
at least ${MIN_PASSWORD_LENGTH} characters. The store is chosen as for \`npm run server\`:
DATABASE_URL (PostgreSQL), else the embedded store in SYNC_DATA_DIR (default .sync-data/;
stop the server first).`;

export type UsersCommand =
  | { readonly command: 'add'; readonly username: string; readonly name: string }
  | { readonly command: 'passwd' | 'disable'; readonly username: string }
  | { readonly command: 'list' };

/** Arguments that name no command: the usage text is the answer. */
export class UsageError extends Error {}

export function parseUsersArgs(argv: readonly string[]): UsersCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: { name: { type: 'string' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    // parseArgs names the unknown option or the missing value itself.
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const [command, username, ...rest] = parsed.positionals;
  const { name } = parsed.values;
  if (rest.length > 0) throw new UsageError(`unexpected arguments: ${rest.join(' ')}`);
  if (name !== undefined && command !== 'add') throw new UsageError('--name is for add only');
  switch (command) {
    case 'add':
      if (username === undefined || name === undefined) {
        throw new UsageError('add needs a username and --name "<Full name>"');
      }
      return { command, username, name };
    case 'passwd':
    case 'disable':
      if (username === undefined) throw new UsageError(`${command} needs a username`);
      return { command, username };
    case 'list':
      if (username !== undefined) throw new UsageError('list takes no arguments');
      return { command };
    default:
      throw new UsageError(command === undefined ? 'no command' : `unknown command "${command}"`);
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/** Where the command reads its settings and password and writes its answers. */
export interface UsersCliIo {
  readonly env: Env;
  /** Anchors the relative defaults (.sync-data/), as for the server. */
  readonly repoRoot: string;
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** Asks for a secret without echoing it; only when SYNC_USER_PASSWORD is unset. */
  readonly askPassword: (prompt: string) => Promise<string>;
}

async function newPassword(io: UsersCliIo, username: string): Promise<string> {
  const fromEnv = io.env['SYNC_USER_PASSWORD'];
  if (fromEnv) return fromEnv;
  const password = await io.askPassword(`New password for ${username}: `);
  if (password === '') {
    throw new AccountError('no password given: type one, or set SYNC_USER_PASSWORD');
  }
  // A typo in a password nobody can see would lock the user out from the start.
  if ((await io.askPassword('Type it again: ')) !== password) {
    throw new AccountError('the two passwords differ: nothing changed');
  }
  return password;
}

function table(accounts: readonly AccountSummary[]): string {
  const rows = [
    ['username', 'name', 'disabled', 'created'],
    ...accounts.map((a) => [a.username, a.name, a.disabled ? 'yes' : 'no', a.created]),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows
    .map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  '))
    .map((line) => `${line.trimEnd()}\n`)
    .join('');
}

/** Runs one command on an open, migrated store; AccountError for what the operator can fix. */
export async function runUsersCommand(
  db: Db,
  command: UsersCommand,
  io: UsersCliIo,
): Promise<void> {
  switch (command.command) {
    case 'add': {
      const { username, name } = command;
      // Before the prompt: a taken or malformed username shouldn't cost typing a password twice.
      await checkNewAccount(db, username, name);
      const password = await newPassword(io, username);
      const user = await addAccount(db, { username, name, password });
      io.err(`user ${user.username} (${user.name}) created\n`);
      return;
    }
    case 'passwd': {
      const { username } = command;
      await checkExists(db, username);
      const ended = await setPassword(db, username, await newPassword(io, username));
      io.err(`password of ${username} set; ${ended.revokedSessions} session(s) ended\n`);
      return;
    }
    case 'disable': {
      const ended = await disableAccount(db, command.username);
      io.err(`${command.username} disabled; ${ended.revokedSessions} session(s) ended\n`);
      return;
    }
    case 'list':
      io.out(table(await listAccounts(db)));
      return;
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The whole command: its exit code. 2 for a usage error; 1 for input the store refuses (a bad
 * username, a short password, an unknown or duplicate user) and for a store that can't be used.
 */
export async function usersCli(argv: readonly string[], io: UsersCliIo): Promise<number> {
  let command: UsersCommand;
  try {
    command = parseUsersArgs(argv);
  } catch (error) {
    io.err(`users: ${message(error)}\n\n${USAGE}\n`);
    return 2;
  }
  let store: CliStore;
  try {
    // A first user may come before the first start: `add` creates the embedded store.
    store =
      command.command === 'add'
        ? await openOrCreateConfiguredStore(io.env, io.repoRoot)
        : await openConfiguredStore(io.env, io.repoRoot);
  } catch (error) {
    io.err(`users: ${message(error)}\n`);
    return 1;
  }
  try {
    // As the server's start would: a store from before the disabled flag gets it first.
    await migrate(store.db);
    await runUsersCommand(store.db, command, io);
    return 0;
  } catch (error) {
    if (!(error instanceof AccountError)) throw error;
    io.err(`users: ${error.message}\n`);
    return 1;
  } finally {
    await store.db.close();
  }
}

/**
 * Reads a secret from the terminal without echo; from a pipe, one line per question (for
 * scripts that can't set SYNC_USER_PASSWORD).
 */
function processPassword(): (prompt: string) => Promise<string> {
  if (process.stdin.isTTY) {
    return (prompt) => read({ prompt, silent: true, replace: '', output: process.stderr });
  }
  const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
  return async () => {
    const line = await lines.next();
    return line.done ? '' : String(line.value);
  };
}

if (require.main === module) {
  usersCli(process.argv.slice(2), {
    env: process.env,
    repoRoot: path.resolve(__dirname, '..', '..'),
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    askPassword: processPassword(),
  }).then(
    (code) => process.exit(code),
    (error: unknown) => {
      // A failure of the store itself (unreachable, broken mid-way): say it, fail.
      process.stderr.write(`users: ${message(error)}\n`);
      process.exit(1);
    },
  );
}
