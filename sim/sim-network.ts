/**
 * One device's network: the sync protocol over `app.inject` (the real routes, schemas and store,
 * without sockets), with the faults a history asks for. A fault applies to the device's next
 * request: `fail` answers 503 before the server does anything; `lose` lets the server commit and
 * then drops the response, so the client never hears. `interleave` runs a user action while the
 * device waits for an answer the server already gave (an edit while a push is in flight).
 */
import type { FastifyInstance } from 'fastify';
import { defer, type Observable } from 'rxjs';

import type {
  ManifestResponse,
  PullRequest,
  PullResponse,
  PushRequest,
  PushResponse,
  RecordsRequest,
  RecordsResponse,
} from '../contract/protocol';
import { SyncError } from '../src/app/sync/core/sync-error';

export type NetworkFault = 'fail' | 'lose';

export class SimNetwork {
  /** Faults for the next requests, in order; `null` lets a request through. */
  faults: (NetworkFault | null)[] = [];
  /** Runs once, after the server answered the next request and before the device reads it. */
  interleave: (() => Promise<void>) | null = null;
  /** No network at all (a user acting offline). */
  offline = false;

  constructor(
    private readonly app: FastifyInstance,
    private readonly token: string,
  ) {}

  manifest(): Observable<ManifestResponse> {
    return this.call<ManifestResponse>('GET', '/api/sync/manifest');
  }

  pull(request: PullRequest): Observable<PullResponse> {
    return this.call<PullResponse>('POST', '/api/sync/pull', request);
  }

  push(request: PushRequest): Observable<PushResponse> {
    return this.call<PushResponse>('POST', '/api/sync/push', request);
  }

  records(request: RecordsRequest): Observable<RecordsResponse> {
    return this.call<RecordsResponse>('POST', '/api/sync/records', request);
  }

  private call<T>(method: 'GET' | 'POST', url: string, body?: unknown): Observable<T> {
    return defer(async () => {
      if (this.offline) throw SyncError.offline();
      const fault = this.faults.shift() ?? null;
      if (fault === 'fail') throw SyncError.http(503, 'injected 503');
      const response = await this.app.inject({
        method,
        url,
        headers: { authorization: `Bearer ${this.token}` },
        ...(body === undefined ? {} : { payload: body as object }),
      });
      const interleave = this.interleave;
      this.interleave = null;
      if (interleave) await interleave();
      if (fault === 'lose') throw SyncError.offline('response lost');
      if (response.statusCode >= 400) {
        const message = (response.json() as { message?: string }).message ?? '';
        throw SyncError.http(response.statusCode, `${url}: ${response.statusCode} ${message}`);
      }
      return response.json() as T;
    });
  }
}
