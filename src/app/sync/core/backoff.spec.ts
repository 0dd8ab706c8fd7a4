import { defer, filter, map, type Observable, throwError, timer } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { createTestScheduler } from '../../../testing/test-scheduler';

import { BackoffStep, retryWithBackoffNotices } from './backoff';
import { SyncError } from './sync-error';

/** The retried stream's values only, without the notices. */
const valuesOf = <T>(source: Observable<T>): Observable<T> =>
  source.pipe(
    retryWithBackoffNotices<T>(),
    filter((step) => step.type === 'value'),
    map((step) => step.value),
  );

describe('retryWithBackoffNotices', () => {
  let testScheduler: TestScheduler;
  const offline = SyncError.offline();

  beforeEach(() => {
    testScheduler = createTestScheduler();
  });

  it('retries a transient error after 2 s, 5 s and 15 s, then gives up at 22 s', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('#', undefined, offline);
      const subs = ['      (^!)', '2s (^!)', '7s (^!)', '22s (^!)'];
      expectObservable(valuesOf(source)).toBe('22s #', undefined, offline);
      expectSubscriptions(source.subscriptions).toBe(subs);
    });
  });

  it('succeeds on the second retry and completes', () => {
    testScheduler.run(({ expectObservable }) => {
      let attempts = 0;
      const source = defer(() =>
        ++attempts < 3 ? throwError(() => offline) : timer(100).pipe(map(() => 'a')),
      );
      expectObservable(valuesOf(source)).toBe('7100ms (a|)');
    });
  });

  it('does not retry an error that is not transient (401)', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const unauthorized = SyncError.http(401);
      const source = cold('-#', undefined, unauthorized);
      expectObservable(valuesOf(source)).toBe('-#', undefined, unauthorized);
      expectSubscriptions(source.subscriptions).toBe('^!');
    });
  });

  it('passes values and completion through when nothing fails', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a-b|');
      expectObservable(valuesOf(source)).toBe('-a-b|');
      expectSubscriptions(source.subscriptions).toBe('^---!');
    });
  });

  it('announces each wait as a notice, then the values', () => {
    testScheduler.run(({ expectObservable }) => {
      let attempts = 0;
      const source = defer(() =>
        ++attempts < 3 ? throwError(() => offline) : timer(100).pipe(map(() => 'a')),
      );
      const result = source.pipe(
        retryWithBackoffNotices<string>(),
        map((step: BackoffStep<string>) =>
          step.type === 'value' ? step.value : step.notice.message,
        ),
      );
      expectObservable(result).toBe('1 1999ms 2 5099ms (a|)', {
        1: 'retrying in 2 s (attempt 1 of 3)',
        2: 'retrying in 5 s (attempt 2 of 3)',
        a: 'a',
      });
    });
  });
});
