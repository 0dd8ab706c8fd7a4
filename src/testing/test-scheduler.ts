import { TestScheduler } from 'rxjs/testing';

/**
 * The `TestScheduler` of every marble spec: frames compared with Jasmine's deep `toEqual`, as the
 * RxJS specs do. Use it inside `scheduler.run(...)`, where `500ms`/`2s` are virtual time.
 */
export function createTestScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}
