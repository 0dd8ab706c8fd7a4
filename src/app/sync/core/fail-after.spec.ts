import { TestScheduler } from 'rxjs/testing';

import { failAfter } from './fail-after';

describe('failAfter', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it('passes a source that finishes in time through untouched', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a-b|');
      expectObservable(source.pipe(failAfter(2000, () => 'late'))).toBe('-a-b|');
      expectSubscriptions(source.subscriptions).toBe('^---!');
    });
  });

  it('unsubscribes the source and errors at the deadline, even while values flow', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('500ms a 999ms b 999ms c|');
      const expected = '   500ms a 999ms b 499ms #';
      expectObservable(source.pipe(failAfter(2000, () => 'late'))).toBe(
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
      expectObservable(source.pipe(failAfter(2000, () => 'late'))).toBe('2s #', undefined, 'late');
      expectSubscriptions(source.subscriptions).toBe('^ 1999ms !');
    });
  });

  it('forwards a source error and cancels the deadline', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const made: string[] = [];
      const result = cold('--#').pipe(failAfter(2000, () => made.push('late')));
      expectObservable(result).toBe('--#');
      testScheduler.flush();
      expect(made).toEqual([]);
    });
  });

  it('tears the source down on early unsubscription', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('--a--b--|');
      expectObservable(source.pipe(failAfter(2000, () => 'late')), '---!').toBe('--a');
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });
});
