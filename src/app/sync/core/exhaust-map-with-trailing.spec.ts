import {
  BehaviorSubject,
  concat,
  defer,
  EMPTY,
  lastValueFrom,
  NEVER,
  Observable,
  ObservableInput,
  of,
  Subject,
  throwError,
  timer,
} from 'rxjs';
import { finalize, map, mergeMap, take, takeWhile, tap, toArray } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { createTestScheduler } from '../../../testing/test-scheduler';

import { exhaustMapWithTrailing } from './exhaust-map-with-trailing';

const joinFold = (buffered: string | undefined, value: string): string => (buffered ?? '') + value;

/** Emits 0, 1, 2… synchronously, checking before each value whether its subscriber is closed. */
function countingLoop(sideEffects: number[]): Observable<number> {
  return new Observable<number>((subscriber) => {
    for (let i = 0; i < 10 && !subscriber.closed; i++) {
      sideEffects.push(i);
      subscriber.next(i);
    }
    subscriber.complete();
  });
}

describe('exhaustMapWithTrailing', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = createTestScheduler();
  });

  describe('under TestScheduler.run', () => {
    it('projects at once, keeps only the latest waiting value, and projects it after the inner', () => {
      testScheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
        const inner = cold('   --x|           ');
        const source = hot(' -abc-----d-----|');
        const sourceSubs = ' ^--------------!';
        const expected = '   ---x--x----x---|';
        const innerSubs = [
          '                  -^--!           ',
          '                  ----^--!        ',
          '                  ---------^--!   ',
        ];
        const projected: string[] = [];
        const result = source.pipe(
          exhaustMapWithTrailing((value: string) => {
            projected.push(value);
            return inner;
          }),
        );
        expectObservable(result).toBe(expected);
        expectSubscriptions(source.subscriptions).toBe(sourceSubs);
        expectSubscriptions(inner.subscriptions).toBe(innerSubs);
        testScheduler.flush();
        expect(projected).toEqual(['a', 'c', 'd']);
      });
    });

    it('folds every value that arrived while busy into one trailing projection', () => {
      testScheduler.run(({ cold, hot, expectObservable }) => {
        const batches = { a: 'a', b: 'bcd', e: 'e' };
        const run = (batch: string) => cold('500ms (x|)', { x: batch });
        const source = hot('     a-bcd|');
        const withLateE = hot('  a-bcd 500ms e|');
        expectObservable(source.pipe(exhaustMapWithTrailing(run, joinFold))).toBe(
          '                      500ms a 499ms (b|)',
          batches,
        );
        // 'e' arrives while 'bcd' runs, so it waits for a third projection.
        expectObservable(withLateE.pipe(exhaustMapWithTrailing(run, joinFold))).toBe(
          '                      500ms a 499ms b 499ms (e|)',
          batches,
        );
      });
    });

    it('never emits and keeps the source subscription for a source that never emits', () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold('-');
        const result = source.pipe(exhaustMapWithTrailing(() => of('x')));
        expectObservable(result, '  2s !').toBe('-');
        expectSubscriptions(source.subscriptions).toBe('^ 1999ms !');
      });
    });

    it('completes at once for an empty source', () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold('|');
        expectObservable(source.pipe(exhaustMapWithTrailing(() => of('x')))).toBe('|');
        expectSubscriptions(source.subscriptions).toBe('(^!)');
      });
    });

    it('passes one value through with a synchronous inner', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const source = cold('  -a|');
        const expected = '     -A|';
        const result = source.pipe(exhaustMapWithTrailing((v: string) => of(v.toUpperCase())));
        expectObservable(result).toBe(expected);
      });
    });

    it('waits for the running and the waiting inner before completing', () => {
      testScheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
        const inner = cold('   1s x|');
        const source = hot('  -a-b|');
        const expected = '    - 1s x 1s x|';
        const innerSubs = ['  -^ 1s !', '  -- 1s ^ 1s !'];
        expectObservable(source.pipe(exhaustMapWithTrailing(() => inner))).toBe(expected);
        expectSubscriptions(inner.subscriptions).toBe(innerSubs);
      });
    });

    it('forwards a source error and tears the running inner down', () => {
      testScheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
        const inner = cold('   --x--x|');
        const source = hot('  -a--#');
        const expected = '    ---x#';
        expectObservable(source.pipe(exhaustMapWithTrailing(() => inner))).toBe(expected);
        expectSubscriptions(inner.subscriptions).toBe(' -^--!');
      });
    });

    it('forwards an inner error and unsubscribes the source', () => {
      testScheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
        const source = hot('  -a-b-c-|');
        const sourceSubs = '  ^--!';
        const expected = '    ---#';
        expectObservable(source.pipe(exhaustMapWithTrailing(() => cold('--#')))).toBe(expected);
        expectSubscriptions(source.subscriptions).toBe(sourceSubs);
      });
    });

    it('keeps a never-ending inner and folds everything behind it', () => {
      testScheduler.run(({ hot, expectObservable }) => {
        const source = hot('  -a-b-c-|');
        const folds: string[] = [];
        const result = source.pipe(
          exhaustMapWithTrailing(
            () => NEVER,
            (buffered: string | undefined, value: string) => {
              folds.push(`${buffered ?? '_'}${value}`);
              return value;
            },
          ),
        );
        expectObservable(result).toBe('-');
        testScheduler.flush();
        expect(folds).toEqual(['_a', '_b', 'bc']);
      });
    });

    it('tears down the source and the inner on early unsubscription', () => {
      testScheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
        const inner = cold('   --x--x--x|');
        const source = hot('  -a-b-c-d----|');
        const unsub = '       ------!';
        const sourceSubs = '  ^-----!';
        const expected = '    ---x--';
        expectObservable(source.pipe(exhaustMapWithTrailing(() => inner)), unsub).toBe(expected);
        expectSubscriptions(source.subscriptions).toBe(sourceSubs);
        expectSubscriptions(inner.subscriptions).toBe(' -^----!');
      });
    });

    it('errors when project throws, and unsubscribes the source', () => {
      testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
        const source = hot('  -a-b-|');
        const result = source.pipe(
          exhaustMapWithTrailing((value: string) => {
            if (value === 'b') throw 'boom';
            return of(value);
          }),
        );
        expectObservable(result).toBe('-a-#', undefined, 'boom');
        expectSubscriptions(source.subscriptions).toBe('^--!');
      });
    });

    it('errors when fold throws', () => {
      testScheduler.run(({ cold, hot, expectObservable }) => {
        const source = hot('  -a-b-|');
        const result = source.pipe(
          exhaustMapWithTrailing(
            () => cold('1s x|'),
            (buffered: string | undefined, value: string) => {
              if (buffered === undefined && value === 'b') throw 'fold failed';
              return value;
            },
          ),
        );
        expectObservable(result).toBe('---#', undefined, 'fold failed');
      });
    });
  });

  describe('the RxJS checklist', () => {
    it('runs no further side effect of a synchronous inner once the consumer unsubscribed', () => {
      const sideEffects: number[] = [];
      const step = (n: number) =>
        defer(() => {
          sideEffects.push(n);
          return of(n);
        });
      of('go')
        .pipe(
          exhaustMapWithTrailing(() => concat(step(1), step(2), step(3))),
          takeWhile((n) => n !== 2),
        )
        .subscribe();
      expect(sideEffects).toEqual([1, 2]);
    });

    it('stops a looping synchronous inner after take(3)', () => {
      const sideEffects: number[] = [];
      of('go')
        .pipe(
          exhaustMapWithTrailing(() => countingLoop(sideEffects)),
          take(3),
        )
        .subscribe();
      expect(sideEffects).toEqual([0, 1, 2]);
    });

    it('stops a looping synchronous source after take(3)', () => {
      const sideEffects: number[] = [];
      countingLoop(sideEffects)
        .pipe(
          exhaustMapWithTrailing((n: number) => of(n)),
          take(3),
        )
        .subscribe();
      expect(sideEffects).toEqual([0, 1, 2]);
    });

    it('finalizes each inner before it projects the trailing value, and before completing', () => {
      testScheduler.run(({ hot }) => {
        const log: string[] = [];
        const run = (batch: string) =>
          defer(() => {
            log.push(`start ${batch}`);
            return timer(1000).pipe(
              map(() => batch),
              finalize(() => log.push(`end ${batch}`)),
            );
          });
        hot('-abc|')
          .pipe(
            exhaustMapWithTrailing(run, joinFold),
            tap({ next: (v) => log.push(`next ${v}`), complete: () => log.push('complete') }),
          )
          .subscribe();
        testScheduler.flush();
        expect(log).toEqual([
          'start a',
          'next a',
          'end a',
          'start bc',
          'next bc',
          'end bc',
          'complete',
        ]);
      });
    });

    it('holds a value pushed into the source while the inner is being subscribed', () => {
      const source = new BehaviorSubject(1);
      const projected: number[] = [];
      const emitted: number[] = [];
      let running = 0;
      let mostAtOnce = 0;
      source
        .pipe(
          take(3),
          exhaustMapWithTrailing((n: number) => {
            projected.push(n);
            return new Observable<number>((subscriber) => {
              mostAtOnce = Math.max(mostAtOnce, ++running);
              source.next(n + 1); // re-enters before this inner is attached
              subscriber.next(n);
              subscriber.complete();
              return () => running--;
            });
          }),
        )
        .subscribe((n) => emitted.push(n));
      expect(projected).toEqual([1, 2, 3]);
      expect(emitted).toEqual([1, 2, 3]);
      expect(mostAtOnce).toBe(1);
    });

    it('runs a synchronous group: the first value at once, the second when it ends', () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const inner = cold('  1s x|');
        const source = cold(' (ab|)');
        const expected = '    1s x 1s x|';
        const innerSubs = ['  ^ 1000ms !', '  1001ms ^ 1000ms !'];
        expectObservable(source.pipe(exhaustMapWithTrailing(() => inner))).toBe(expected);
        expectSubscriptions(inner.subscriptions).toBe(innerSubs);
      });
    });

    it('counts projections, not source values, in the index given to project', () => {
      testScheduler.run(({ cold, hot, expectObservable }) => {
        const source = hot(' -abc-----d---|');
        const expected = '   ----x--y----z|';
        const result = source.pipe(
          exhaustMapWithTrailing((_v: string, index: number) => cold('---(i|)', { i: index })),
        );
        expectObservable(result).toBe(expected, { x: 0, y: 1, z: 2 });
      });
    });

    it('errors when project throws for the trailing value, and unsubscribes the source', () => {
      testScheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
        const inner = cold('   --x|');
        const source = hot('  -ab---|');
        const sourceSubs = '  ^---!  ';
        const expected = '    ---x#  ';
        const result = source.pipe(
          exhaustMapWithTrailing((value: string) => {
            if (value === 'b') throw 'boom';
            return inner;
          }),
        );
        expectObservable(result).toBe(expected, undefined, 'boom');
        expectSubscriptions(source.subscriptions).toBe(sourceSubs);
        expectSubscriptions(inner.subscriptions).toBe(' -^--!  ');
      });
    });

    it('errors when project returns something that is not an ObservableInput', () => {
      testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
        const source = hot('  -a-|');
        const notAnInput = 42 as unknown as ObservableInput<string>;
        const result = source.pipe(exhaustMapWithTrailing(() => notAnInput));
        expectObservable(result).toBe('-#', undefined, jasmine.any(TypeError));
        expectSubscriptions(source.subscriptions).toBe('^!');
      });
    });

    it('runs an empty inner, then forwards the error of the next one', () => {
      testScheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
        const inners = { x: cold('|'), y: cold('#') };
        const source = hot(' --x--y--|');
        const expected = '   -----#   ';
        const result = source.pipe(exhaustMapWithTrailing((v: 'x' | 'y') => inners[v]));
        expectObservable(result).toBe(expected);
        expectSubscriptions(source.subscriptions).toBe('^----!   ');
        expectSubscriptions(inners.x.subscriptions).toBe('--(^!)');
        expectSubscriptions(inners.y.subscriptions).toBe('-----(^!)');
      });
    });

    it('keeps unsubscription chains whole between other operators', () => {
      testScheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
        const inner = cold('   --x--x--x|');
        const source = hot('  -a-b-c-d----|');
        const unsub = '       ------!';
        const expected = '    ---x--';
        const result = source.pipe(
          mergeMap((v) => of(v)),
          exhaustMapWithTrailing(() => inner),
          mergeMap((v) => of(v)),
        );
        expectObservable(result, unsub).toBe(expected);
        expectSubscriptions(source.subscriptions).toBe('^-----!');
        expectSubscriptions(inner.subscriptions).toBe(' -^----!');
      });
    });

    it('takes promises as inners: the first runs, the rest fold into one trailing run', async () => {
      const values = await lastValueFrom(
        of(1, 2, 3).pipe(
          exhaustMapWithTrailing((n: number) => Promise.resolve(n)),
          toArray(),
        ),
      );
      expect(values).toEqual([1, 3]);
    });

    it('forwards a rejected promise as an error', async () => {
      const run = of(1, 2).pipe(exhaustMapWithTrailing(() => Promise.reject(new Error('no'))));
      await expectAsync(lastValueFrom(run)).toBeRejectedWithError('no');
    });
  });

  describe('edge cases', () => {
    it('handles inners that complete synchronously (of, EMPTY)', () => {
      const seen: string[] = [];
      const source = new Subject<string>();
      source
        .pipe(exhaustMapWithTrailing((v: string) => (v === 'skip' ? EMPTY : of(v))))
        .subscribe((v) => seen.push(v));
      source.next('a');
      source.next('skip');
      source.next('b');
      expect(seen).toEqual(['a', 'b']);
    });

    it('folds values that arrive during the trailing run into a third run', () => {
      const runs: string[] = [];
      const source = new Subject<string>();
      const ends: Subject<void>[] = [];
      source
        .pipe(
          exhaustMapWithTrailing((v: string) => {
            runs.push(v);
            const end = new Subject<void>();
            ends.push(end);
            return end.pipe(
              take(1),
              map(() => v),
            );
          }, joinFold),
        )
        .subscribe();
      source.next('a');
      source.next('b');
      source.next('c');
      ends[0].next(); // 'bc' starts trailing
      source.next('d');
      ends[1].next();
      expect(runs).toEqual(['a', 'bc', 'd']);
    });

    it('survives an inner that pushes into its own source synchronously', () => {
      const source = new Subject<number>();
      const projected: number[] = [];
      source
        .pipe(
          exhaustMapWithTrailing((n: number) => {
            projected.push(n);
            if (n < 3) {
              source.next(n + 10); // lost to the fold below: the latest wins
              source.next(n + 1);
            }
            return of(n);
          }),
        )
        .subscribe();
      source.next(0);
      expect(projected).toEqual([0, 1, 2, 3]);
    });

    it('chains 10,000 synchronous re-entrant triggers without overflowing the stack', () => {
      const source = new Subject<number>();
      let last = -1;
      source
        .pipe(
          exhaustMapWithTrailing((n: number) =>
            concat(
              of(n),
              new Observable<never>((subscriber) => {
                if (n < 10_000) source.next(n + 1);
                subscriber.complete();
              }),
            ),
          ),
        )
        .subscribe((n) => (last = n));
      source.next(1);
      expect(last).toBe(10_000);
    });

    it('stops projecting when the subscriber unsubscribes from inside a synchronous inner', () => {
      const source = new Subject<string>();
      const projected: string[] = [];
      const torn: string[] = [];
      source
        .pipe(
          exhaustMapWithTrailing((v: string) => {
            projected.push(v);
            source.next('again');
            return of(v).pipe(finalize(() => torn.push(v)));
          }),
          take(1),
        )
        .subscribe();
      source.next('a');
      expect(projected).toEqual(['a']);
      expect(torn).toEqual(['a']);
      expect(source.observed).toBeFalse();
    });

    it('reports an error thrown by an inner that errors synchronously', () => {
      const errors: unknown[] = [];
      of('a', 'b')
        .pipe(exhaustMapWithTrailing(() => throwError(() => new Error('sync boom'))))
        .subscribe({ error: (e: unknown) => errors.push((e as Error).message) });
      expect(errors).toEqual(['sync boom']);
    });

    it('gives project a running index', () => {
      const indices: number[] = [];
      of('a', 'b', 'c')
        .pipe(exhaustMapWithTrailing((_v: string, i: number) => (indices.push(i), of(i))))
        .subscribe();
      expect(indices).toEqual([0, 1, 2]);
    });
  });
});
