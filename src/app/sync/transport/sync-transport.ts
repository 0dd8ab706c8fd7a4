import { HttpClient, HttpErrorResponse } from '@angular/common/http';
import { Injectable, InjectionToken, inject } from '@angular/core';
import { catchError, type Observable, throwError, timeout, TimeoutError } from 'rxjs';
import type {
  ManifestResponse,
  PullRequest,
  PullResponse,
  PushRequest,
  PushResponse,
  RecordsRequest,
  RecordsResponse,
} from '../../../../contract/protocol';
import { SyncError } from '../core';
import { SYNC_CONFIG, SYNC_SCHEDULER } from '../sync.tokens';

/** The sync protocol as the phases use it; `SyncTransport` over HTTP, fakes in specs. */
export interface SyncApi {
  manifest(): Observable<ManifestResponse>;
  pull(request: PullRequest): Observable<PullResponse>;
  push(request: PushRequest): Observable<PushResponse>;
  /** The server's current versions of some records (to resolve a dead letter: rule 6). */
  records(request: RecordsRequest): Observable<RecordsResponse>;
}

/**
 * The sync protocol the engine and the dead-letter resolver talk to: HTTP in the app; tests and
 * the simulation provide an in-process server instead.
 */
export const SYNC_API = new InjectionToken<SyncApi>('SYNC_API', {
  providedIn: 'root',
  factory: () => inject(SyncTransport),
});

/**
 * The HTTP client of the sync protocol (docs/protocol.md). Every call has a timeout, and every
 * failure reaches the engine as a `SyncError`, never as an HTTP library's error shape.
 * Unsubscribing aborts the request, which is how the watchdog stops a stuck run.
 */
@Injectable({ providedIn: 'root' })
export class SyncTransport implements SyncApi {
  private readonly http = inject(HttpClient);
  private readonly config = inject(SYNC_CONFIG);
  private readonly scheduler = inject(SYNC_SCHEDULER);

  manifest(): Observable<ManifestResponse> {
    return this.call(this.http.get<ManifestResponse>('/api/sync/manifest'));
  }

  pull(request: PullRequest): Observable<PullResponse> {
    return this.call(this.http.post<PullResponse>('/api/sync/pull', request));
  }

  push(request: PushRequest): Observable<PushResponse> {
    return this.call(this.http.post<PushResponse>('/api/sync/push', request));
  }

  records(request: RecordsRequest): Observable<RecordsResponse> {
    return this.call(this.http.post<RecordsResponse>('/api/sync/records', request));
  }

  private call<T>(request$: Observable<T>): Observable<T> {
    return request$.pipe(
      timeout({ first: this.config.requestTimeoutMs, scheduler: this.scheduler }),
      catchError((error: unknown) => throwError(() => toTransportError(error))),
    );
  }
}

/** Maps what HttpClient and `timeout` throw to the engine's error type. */
export function toTransportError(error: unknown): SyncError {
  if (error instanceof SyncError) return error;
  if (error instanceof TimeoutError)
    return SyncError.timeout('The server did not answer in time', error);
  if (error instanceof HttpErrorResponse) {
    // Status 0: the request never got an HTTP answer (offline, refused, dropped connection).
    if (error.status === 0) return SyncError.offline('The server cannot be reached', error);
    return SyncError.http(error.status, serverMessage(error), error);
  }
  return new SyncError(
    'unknown',
    error instanceof Error ? error.message : String(error),
    undefined,
    error,
  );
}

function serverMessage(error: HttpErrorResponse): string {
  const body = error.error as { message?: unknown } | null;
  return typeof body?.message === 'string' ? body.message : `HTTP ${error.status}`;
}
