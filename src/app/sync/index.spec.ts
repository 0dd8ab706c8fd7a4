import * as sync from './index';

/**
 * The engine's public face is a list, not `export *`: anything added to it is a decision, and the
 * database stays behind SyncStore (features that reached it went around "the only door").
 */
describe('the sync public API', () => {
  it('exports exactly the values the app and the features use', () => {
    expect(Object.keys(sync).sort()).toEqual([
      'DeadLetterNotFoundError',
      'DeadLetterResolver',
      'GateDialogActions',
      'LocalRecordNotFoundError',
      'LocalWriteBlockedError',
      'ResolutionUnavailableError',
      'SyncBadge',
      'SyncBadgeActions',
      'SyncEngine',
      'SyncEngineActions',
      'SyncError',
      'SyncLog',
      'SyncStore',
      'provideSync',
      'selectBadgeState',
      'selectDeadLetterCount',
      'selectGateOpen',
      'selectPendingCount',
    ]);
  });

  it('does not export the local database', () => {
    expect(Object.keys(sync)).not.toContain('LocalDatabase');
  });
});
