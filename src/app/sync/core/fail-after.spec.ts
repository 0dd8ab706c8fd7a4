import { NEVER } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';

import { createTestScheduler } from '../../../testing/test-scheduler';
import { failAfterSilence } from './fail-after';

describe('failAfterSilence without activity: a deadline on the whole stream', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = createTestScheduler();
  });

  it('passes a source that finishes in time through untouched', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a-b|');
      expectObservable(source.pipe(failAfterSilence(2000, NEVER, () => 'late'))).toBe('-a-b|');
      expectSubscriptions(source.subscriptions).toBe('^---!');
    });
  });

  it('unsubscribes the source and errors at the deadline, even while values flow', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('500ms a 999ms b 999ms c|');
      const expected = '   500ms a 999ms b 499ms #';
      expectObservable(source.pipe(failAfterSilence(2000, NEVER, () => 'late'))).toBe(
        expected,
        undefined,
        'late',
      );
      expectSubscriptions(source.subscriptions).toBe('^ 1999ms !');
    });
  });

  it('errors a never-ending source at the deadline', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-');
      expectObservable(source.pipe(failAfterSilence(2000, NEVER, () => 'late'))).toBe(
        '2s #',
        undefined,
        'late',
      );
      expectSubscriptions(source.subscriptions).toBe('^ 1999ms !');
    });
  });

  it('forwards a source error and cancels the deadline', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const made: string[] = [];
      const result = cold('--#').pipe(failAfterSilence(2000, NEVER, () => made.push('late')));
      expectObservable(result).toBe('--#');
      testScheduler.flush();
      expect(made).toEqual([]);
    });
  });

  it('tears the source down on early unsubscription', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('--a--b--|');
      expectObservable(source.pipe(failAfterSilence(2000, NEVER, () => 'late')), '---!').toBe(
        '--a',
      );
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });
});

describe('failAfterSilence', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = createTestScheduler();
  });

  it('never fails a source that keeps showing activity, however long it runs', () => {
    testScheduler.run(({ cold, hot, expectObservable }) => {
      const source = cold('10s a|');
      const activity = hot('1500ms x 1500ms x 1500ms x 1500ms x 1500ms x 1500ms x');
      expectObservable(source.pipe(failAfterSilence(2000, activity, () => 'stuck'))).toBe('10s a|');
    });
  });

  it('fails after the deadline of silence, counted from the last activity', () => {
    testScheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const source = cold('-');
      const activity = hot('1s x 999ms x');
      expectObservable(source.pipe(failAfterSilence(2000, activity, () => 'stuck'))).toBe(
        '4000ms #',
        undefined,
        'stuck',
      );
      // The last activity is at 2 s (1 s, then 1 frame + 999 ms later): silent until 4 s.
      expectSubscriptions(source.subscriptions).toBe('^ 3999ms !');
      expectSubscriptions(activity.subscriptions).toBe('^ 3999ms !');
    });
  });

  it('forwards completion and errors, and stops listening for activity', () => {
    testScheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const activity = hot('-x-x-x');
      expectObservable(cold('--a|').pipe(failAfterSilence(1000, activity, () => 'stuck'))).toBe(
        '--a|',
      );
      expectObservable(
        cold('--#', undefined, 'boom').pipe(failAfterSilence(1000, activity, () => 'x')),
      ).toBe('--#', undefined, 'boom');
      expectSubscriptions(activity.subscriptions).toBe(['^--!', '^-!']);
    });
  });

  it('tears everything down on early unsubscription', () => {
    testScheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const source = cold('-');
      const activity = hot('-');
      expectObservable(source.pipe(failAfterSilence(1000, activity, () => 'x')), '500ms !').toBe(
        '',
      );
      expectSubscriptions(source.subscriptions).toBe('^ 499ms !');
      expectSubscriptions(activity.subscriptions).toBe('^ 499ms !');
    });
  });
});
