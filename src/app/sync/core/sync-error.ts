/** What went wrong, in the words the retry policy and the badge need. */
export type SyncErrorKind = 'offline' | 'timeout' | 'http' | 'unauthorized' | 'aborted' | 'unknown';

/**
 * The one error type that crosses the sync engine's ports. Phases map their transport failures to
 * it, so the coordinator and the retry policy never guess from an HTTP library's error shape.
 */
export class SyncError extends Error {
  override readonly name = 'SyncError';

  constructor(
    readonly kind: SyncErrorKind,
    message: string,
    /** Set for `http` (and `unauthorized`, always 401). */
    readonly status?: number,
    override readonly cause?: unknown,
  ) {
    super(message);
  }

  /** Worth retrying later: the network or the server may recover on its own. */
  get transient(): boolean {
    switch (this.kind) {
      case 'offline':
      case 'timeout':
        return true;
      case 'http':
        return this.status === 429 || (this.status !== undefined && this.status >= 500);
      default:
        return false;
    }
  }

  static offline(message = 'offline', cause?: unknown): SyncError {
    return new SyncError('offline', message, undefined, cause);
  }

  static timeout(message = 'timed out', cause?: unknown): SyncError {
    return new SyncError('timeout', message, undefined, cause);
  }

  static http(status: number, message = `HTTP ${status}`, cause?: unknown): SyncError {
    return status === 401
      ? new SyncError('unauthorized', message, 401, cause)
      : new SyncError('http', message, status, cause);
  }

  static aborted(message = 'aborted', cause?: unknown): SyncError {
    return new SyncError('aborted', message, undefined, cause);
  }
}

/** A phase may throw anything; the coordinator only ever reports `SyncError`s. */
export function toSyncError(error: unknown): SyncError {
  if (error instanceof SyncError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new SyncError('unknown', message, undefined, error);
}

/** The retry policy's test: offline, timeout, 5xx and 429 are transient; anything else is not. */
export function isTransientSyncError(error: unknown): boolean {
  return error instanceof SyncError && error.transient;
}
