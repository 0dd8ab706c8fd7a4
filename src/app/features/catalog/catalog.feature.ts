import { createFeature, createReducer, on } from '@ngrx/store';
import { SyncBadgeActions, SyncEngineActions } from '../../sync';
import { CatalogPageActions } from './catalog.actions';

/**
 * The searches survive switching between the customers and products tabs; `resyncing` tells the
 * page a master-data re-sync was asked for and has not finished yet.
 */
export interface CatalogState {
  readonly customerSearch: string;
  readonly productSearch: string;
  readonly resyncing: boolean;
}

export const initialCatalogState: CatalogState = {
  customerSearch: '',
  productSearch: '',
  resyncing: false,
};

export const catalogFeature = createFeature({
  name: 'catalog',
  reducer: createReducer(
    initialCatalogState,
    on(CatalogPageActions.customerSearchChanged, (state, { search }): CatalogState => ({
      ...state,
      customerSearch: search,
    })),
    on(CatalogPageActions.productSearchChanged, (state, { search }): CatalogState => ({
      ...state,
      productSearch: search,
    })),
    on(SyncBadgeActions.masterDataResyncRequested, (state): CatalogState => ({
      ...state,
      resyncing: true,
    })),
    on(SyncEngineActions.runCompleted, (state, { outcome }): CatalogState =>
      outcome.kind === 'masterData' ? { ...state, resyncing: false } : state,
    ),
    // A logout drops the request with the engine.
    on(SyncEngineActions.stopped, (state): CatalogState => ({ ...state, resyncing: false })),
  ),
});

export const { selectCustomerSearch, selectProductSearch, selectResyncing } = catalogFeature;
