import { computed, signal, type Signal } from '@angular/core';
import type { PageEvent } from '@angular/material/paginator';

export const CATALOG_PAGE_SIZES = [25, 50, 100];

/**
 * Search and paging over a master table held in memory (hundreds to a few thousand rows): the
 * table renders one page, so 500+ rows stay light on a kiosk.
 */
export function catalogView<T>(
  records: Signal<readonly T[] | undefined>,
  search: Signal<string>,
  text: (record: T) => string,
  sortKey: (record: T) => string,
) {
  const page = signal({ index: 0, size: CATALOG_PAGE_SIZES[0] });
  // Sorted here: RxDB sorts only cheaply on indexed fields, and names are not indexed.
  const sorted = computed(() =>
    [...(records() ?? [])].sort((a, b) => sortKey(a).localeCompare(sortKey(b))),
  );
  const matching = computed(() => {
    const term = search().trim().toLowerCase();
    const all = sorted();
    return term ? all.filter((record) => text(record).toLowerCase().includes(term)) : all;
  });
  const pageIndex = computed(() => {
    const last = Math.max(0, Math.ceil(matching().length / page().size) - 1);
    return Math.min(page().index, last);
  });
  const rows = computed(() => {
    const start = pageIndex() * page().size;
    return matching().slice(start, start + page().size);
  });
  const summary = computed(() => {
    const total = records()?.length ?? 0;
    const found = matching().length;
    const all = total.toLocaleString('en-US');
    return found === total ? `${all} in total` : `${found.toLocaleString('en-US')} of ${all}`;
  });
  return {
    loading: computed(() => records() === undefined),
    matching,
    rows,
    summary,
    pageIndex,
    pageSize: computed(() => page().size),
    firstPage: () => page.update((p) => ({ ...p, index: 0 })),
    onPage: (event: PageEvent) => page.set({ index: event.pageIndex, size: event.pageSize }),
  };
}
