import { HttpErrorResponse, provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { TimeoutError } from 'rxjs';
import { SyncError } from '../core';
import { DEFAULT_SYNC_CONFIG, SYNC_CONFIG, SYNC_SCHEDULER } from '../sync.tokens';
import { SYNC_API, SyncTransport, toTransportError } from './sync-transport';
import { createTestScheduler } from '../../../testing/test-scheduler';

describe('SyncTransport', () => {
  let backend: HttpTestingController;

  function setUp(providers: unknown[] = []) {
    TestBed.configureTestingModule({
      providers: [provideHttpClient(), provideHttpClientTesting(), ...(providers as [])],
    });
    backend = TestBed.inject(HttpTestingController);
    return TestBed.inject(SyncTransport);
  }

  afterEach(() => backend.verify());

  it('pulls several tables in one request', () => {
    const transport = setUp();
    const received: unknown[] = [];
    transport
      .pull({
        tables: [
          { table: 'customers', checkpoint: null },
          { table: 'products', checkpoint: 'r:4' },
        ],
        limit: 500,
      })
      .subscribe((response) => received.push(response));
    const request = backend.expectOne({ method: 'POST', url: '/api/sync/pull' });
    expect(request.request.body).toEqual({
      tables: [
        { table: 'customers', checkpoint: null },
        { table: 'products', checkpoint: 'r:4' },
      ],
      limit: 500,
    });
    request.flush({ tables: [] });
    expect(received).toEqual([{ tables: [] }]);
  });

  it('reports an HTTP failure as a SyncError with the server message', () => {
    const transport = setUp();
    let failure: unknown;
    transport.push({ changes: [] }).subscribe({ error: (error: unknown) => (failure = error) });
    backend
      .expectOne('/api/sync/push')
      .flush(
        { statusCode: 503, error: 'Service Unavailable', message: 'down for maintenance' },
        { status: 503, statusText: 'Unavailable' },
      );
    expect(failure).toEqual(jasmine.any(SyncError));
    expect((failure as SyncError).kind).toBe('http');
    expect((failure as SyncError).status).toBe(503);
    expect((failure as SyncError).message).toBe('down for maintenance');
    expect((failure as SyncError).transient).toBeTrue();
  });

  it('fetches the current versions of records (rule 6) with POST /api/sync/records', () => {
    const transport = setUp();
    const received: unknown[] = [];
    transport
      .records({ table: 'workOrders', ids: ['w1', 'w2'] })
      .subscribe((response) => received.push(response));
    const request = backend.expectOne({ method: 'POST', url: '/api/sync/records' });
    expect(request.request.body).toEqual({ table: 'workOrders', ids: ['w1', 'w2'] });
    const answer = {
      epoch: 'e1',
      records: [{ id: 'w1', rev: 3, deleted: true, data: null, updatedAt: 1 }],
    };
    request.flush(answer);
    expect(received).toEqual([answer]);
  });

  it('is the default SYNC_API', () => {
    const transport = setUp();
    expect(TestBed.inject(SYNC_API)).toBe(transport);
  });

  it('times out in virtual time and aborts the request', () => {
    const scheduler = createTestScheduler();
    const transport = setUp([
      { provide: SYNC_SCHEDULER, useValue: scheduler },
      { provide: SYNC_CONFIG, useValue: { ...DEFAULT_SYNC_CONFIG, requestTimeoutMs: 2000 } },
    ]);
    scheduler.run(({ expectObservable }) => {
      expectObservable(transport.manifest()).toBe(
        '2s #',
        undefined,
        SyncError.timeout('The server did not answer in time', new TimeoutError()),
      );
    });
    expect(backend.expectOne('/api/sync/manifest').cancelled).toBeTrue();
  });
});

describe('toTransportError', () => {
  it('classifies what HttpClient throws', () => {
    expect(toTransportError(new HttpErrorResponse({ status: 0 })).kind).toBe('offline');
    expect(toTransportError(new HttpErrorResponse({ status: 401 })).kind).toBe('unauthorized');
    const conflict = toTransportError(new HttpErrorResponse({ status: 409 }));
    expect([conflict.kind, conflict.status, conflict.transient]).toEqual(['http', 409, false]);
    expect(toTransportError(new HttpErrorResponse({ status: 429 })).transient).toBeTrue();
    expect(toTransportError(new Error('boom')).kind).toBe('unknown');
  });

  it('passes a SyncError through unchanged', () => {
    const error = SyncError.aborted();
    expect(toTransportError(error)).toBe(error);
  });
});
