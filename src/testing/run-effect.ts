import { TestBed } from '@angular/core/testing';

/**
 * Builds a functional effect (or anything that calls `inject()`) in the TestBed's injector, so
 * its `inject()` default parameters get the spec's providers.
 */
export function runEffect<T>(effect: () => T): T {
  return TestBed.runInInjectionContext(effect);
}
