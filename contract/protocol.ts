/**
 * The sync protocol's wire types, shared by the app's transport and the server's routes.
 * `docs/protocol.md` describes the endpoints with examples. Pure types and constants, no imports
 * beyond the registry, so both sides can read it.
 */
import type { TableKind, TableName } from './tables';

export const API_PREFIX = '/api';

/** The largest pull page the server hands out, whatever the client asks for. */
export const MAX_PULL_LIMIT = 5000;
export const DEFAULT_PULL_LIMIT = 1000;
/** The most changes one push request may carry. */
export const MAX_PUSH_BATCH = 500;

// --- auth -----------------------------------------------------------------------------------------

export interface LoginRequest {
  username: string;
  password: string;
}

export interface SessionUser {
  id: string;
  name: string;
  username: string;
}

export interface LoginResponse {
  token: string;
  /** Epoch milliseconds after which the token is refused. */
  expiresAt: number;
  user: SessionUser;
}

/** Every 4xx/5xx body. `error` is a stable code; `message` is for people. */
export interface ErrorResponse {
  statusCode: number;
  error: string;
  message: string;
}

// --- manifest -------------------------------------------------------------------------------------

export interface ManifestTable {
  name: TableName;
  kind: TableKind;
  schemaVersion: number;
  /** Live (not deleted) records of the caller in this table. */
  count: number;
}

export interface ManifestResponse {
  tables: ManifestTable[];
}

// --- records --------------------------------------------------------------------------------------

/**
 * One record as the server holds it. `rev` is the caller's revision counter at the write that
 * produced this version: it increases with every committed write of that user, in commit order,
 * which is what makes a pull checkpoint gap-safe.
 */
export interface ServerRecord {
  id: string;
  rev: number;
  /** A tombstone: the record was deleted at `rev`; `data` is null. */
  deleted: boolean;
  /** The record's fields (without `id`), or null for a tombstone. */
  data: Record<string, unknown> | null;
  /** Epoch milliseconds of the write, for display only. */
  updatedAt: number;
}

// --- pull -----------------------------------------------------------------------------------------

/**
 * An opaque string the client keeps per table and sends back unchanged; `null` means "from the
 * beginning". Clients must not parse it.
 */
export type Checkpoint = string | null;

export interface PullRequest {
  /** Tables to pull, in the order to fill the page; each with its own checkpoint. */
  tables: { table: TableName; checkpoint: Checkpoint }[];
  /** Most records in the whole response, across tables (default 1,000, at most 5,000). */
  limit?: number;
}

export interface PullTableResult {
  table: TableName;
  /** Changed records after the checkpoint, oldest revision first. */
  records: ServerRecord[];
  /** Where the next pull of this table continues. Unchanged when no records came. */
  checkpoint: Checkpoint;
  /** More records are waiting after `checkpoint`. */
  hasMore: boolean;
}

export interface PullResponse {
  /**
   * The server's identity. It changes when the server's data is replaced (a restore from a
   * backup, a test reset): revisions and checkpoints of another epoch mean nothing. A client that
   * sees a new epoch pulls everything again (docs/protocol.md, "Epochs").
   */
  epoch: string;
  tables: PullTableResult[];
}

// --- records (resolutions) ------------------------------------------------------------------------

/** The server's current versions of some records, e.g. to resolve a dead letter. */
export interface RecordsRequest {
  table: TableName;
  /** 1 to MAX_RECORDS_IDS ids. */
  ids: string[];
}

export const MAX_RECORDS_IDS = 500;

export interface RecordsResponse {
  epoch: string;
  /** The records the server has (tombstones included); ids it never had are left out. */
  records: ServerRecord[];
}

// --- push -----------------------------------------------------------------------------------------

export interface PushChange {
  table: TableName;
  id: string;
  /**
   * Client-generated id of this version of the change. Re-sending the same `changeId` after a lost
   * response returns the first outcome and writes nothing again.
   */
  changeId: string;
  /** The server revision this change was based on; null for a record the server never had. */
  baseRev: number | null;
  /**
   * The record's fields as the client had them at `baseRev` (the base of a three-way merge);
   * null for a new record. When the server's version moved on since `baseRev`, the fields that
   * differ between `base` and `data` are this change's edits, and only those are applied.
   */
  base?: Record<string, unknown> | null;
  /**
   * Earlier changes of this record by this device whose outcome it never heard (a lost
   * response), oldest first. If one of them was applied, the change is based on that version:
   * a device never conflicts with its own committed write.
   */
  priorChangeIds?: string[];
  /** True to delete the record. */
  deleted: boolean;
  /** The record's fields (without `id`); ignored for a deletion. */
  data: Record<string, unknown> | null;
}

export interface PushRequest {
  changes: PushChange[];
}

/** At most this many `priorChangeIds` are read; older ones are dropped by the client. */
export const MAX_PRIOR_CHANGE_IDS = 16;

export type PushResult =
  | {
      table: TableName;
      id: string;
      changeId: string;
      status: 'applied';
      rev: number;
      /**
       * The server's version of the record after this change: what it wrote (a merge may hold
       * other devices' fields too) or, for a re-sent change, its current version.
       */
      record: ServerRecord;
    }
  | {
      table: TableName;
      id: string;
      changeId: string;
      status: 'conflict';
      /** The server's current version, which the change was not based on. */
      server: ServerRecord;
      /** Fields both sides changed to different values; empty for a delete/edit conflict. */
      fields: string[];
      /** For people: why the change conflicts. */
      reason: string;
    }
  | { table: TableName; id: string; changeId: string; status: 'rejected'; reason: string };

export interface PushResponse {
  /** One result per change, in request order. */
  results: PushResult[];
}

// --- test mode ------------------------------------------------------------------------------------

export type FaultSpec =
  | { mode: 'fail'; status: number; count: number }
  | { mode: 'delay'; ms: number; count: number }
  | { mode: 'drop'; count: number };

export interface JournalEntry {
  username: string;
  /** e.g. `/api/sync/pull`. */
  path: string;
  startedAt: number;
  endedAt: number;
  status: number;
  /** For pulls: the tables asked for and their checkpoints, so tests can see resumes. */
  tables?: { table: TableName; checkpoint: Checkpoint }[];
}
