import { createActionGroup, props } from '@ngrx/store';

export const CatalogPageActions = createActionGroup({
  source: 'Catalog Page',
  events: {
    'Customer Search Changed': props<{ search: string }>(),
    'Product Search Changed': props<{ search: string }>(),
  },
});
