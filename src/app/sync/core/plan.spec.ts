import { mergePlans, planFor } from './plan';
import { reduceSyncState, INITIAL_SYNC_STATE } from './sync-state';
import { isTransientSyncError, SyncError, toSyncError } from './sync-error';

describe('plans', () => {
  it('gives background requests a push-only scope and master data its flag', () => {
    expect(planFor({ kind: 'background' }, 0).scope).toBe('pushOnly');
    expect(planFor({ kind: 'masterData' }, 0)).toEqual(
      jasmine.objectContaining({ scope: 'full', masterData: true }),
    );
  });

  it('merges to the widest scope, the strongest kind, and unions initial tables', () => {
    const merged = [
      planFor({ kind: 'background' }, 30),
      planFor({ kind: 'initial', tables: ['a', 'b'] }, 10),
      planFor({ kind: 'repository' }, 20),
      planFor({ kind: 'initial', tables: ['b', 'c'] }, 40),
    ].reduce<ReturnType<typeof planFor> | undefined>(mergePlans, undefined);
    expect(merged).toEqual({
      kind: 'initial',
      scope: 'full',
      masterData: false,
      initialTables: ['a', 'b', 'c'],
      requestCount: 4,
      since: 10,
    });
  });

  it('ranks manual over repository over background', () => {
    const merge = (...kinds: ('manual' | 'repository' | 'background')[]) =>
      kinds.map((kind) => planFor({ kind }, 0)).reduce(mergePlans).kind;
    expect(merge('background', 'repository')).toBe('repository');
    expect(merge('repository', 'manual', 'background')).toBe('manual');
    expect(merge('background', 'background')).toBe('background');
  });
});

describe('SyncError', () => {
  it('treats offline, timeout, 5xx and 429 as transient, and 401 and 4xx as not', () => {
    expect(
      [SyncError.offline(), SyncError.timeout(), SyncError.http(503), SyncError.http(429)].every(
        isTransientSyncError,
      ),
    ).toBeTrue();
    expect(SyncError.http(401).kind).toBe('unauthorized');
    expect(
      [SyncError.http(401), SyncError.http(400), SyncError.aborted(), new Error('x')].some(
        isTransientSyncError,
      ),
    ).toBeFalse();
    expect(toSyncError('weird').kind).toBe('unknown');
  });
});

describe('reduceSyncState', () => {
  it('ignores phase events of a run that is not the running one', () => {
    const state = reduceSyncState(INITIAL_SYNC_STATE, {
      type: 'phaseStarted',
      at: 1,
      runId: 'x',
      phase: 'push',
    });
    expect(state).toBe(INITIAL_SYNC_STATE);
  });
});
