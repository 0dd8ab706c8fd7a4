import { SyncBadgeActions, SyncEngineActions, type OutcomeSummary } from '../../sync';
import { CatalogPageActions } from './catalog.actions';
import { catalogFeature, initialCatalogState } from './catalog.feature';

const { reducer } = catalogFeature;

export function outcome(overrides: Partial<OutcomeSummary> = {}): OutcomeSummary {
  return {
    status: 'succeeded',
    kind: 'masterData',
    runId: 'r1',
    at: 1,
    counts: null,
    reason: null,
    message: null,
    errorKind: null,
    ...overrides,
  };
}

describe('catalog feature', () => {
  it('keeps one search per table', () => {
    let state = reducer(
      initialCatalogState,
      CatalogPageActions.customerSearchChanged({ search: 'acme' }),
    );
    state = reducer(state, CatalogPageActions.productSearchChanged({ search: 'valve' }));
    expect(state).toEqual({ customerSearch: 'acme', productSearch: 'valve', resyncing: false });
  });

  it('is re-syncing from the request until a master-data run completes', () => {
    const asked = reducer(initialCatalogState, SyncBadgeActions.masterDataResyncRequested());
    expect(asked.resyncing).toBeTrue();
    const manual = SyncEngineActions.runCompleted({ outcome: outcome({ kind: 'manual' }) });
    expect(reducer(asked, manual).resyncing).toBeTrue();
    const done = SyncEngineActions.runCompleted({ outcome: outcome({ status: 'failed' }) });
    expect(reducer(asked, done).resyncing).toBeFalse();
    expect(reducer(asked, SyncEngineActions.stopped()).resyncing).toBeFalse();
  });
});
