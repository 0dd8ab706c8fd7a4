/** Spec fixtures of the diagnostics feature: dead letters as the store lists them. */
import type { DeadLetter } from '../../sync';

export function conflictLetter(id = 'w1', overrides: Partial<DeadLetter> = {}): DeadLetter {
  return {
    table: 'workOrders',
    id,
    reason: 'conflict',
    error: 'both changed title, status',
    fields: ['title', 'status'],
    attempts: 0,
    local: { id, title: 'Mine', customerId: 'c1', status: 'open' },
    localDeleted: false,
    baseRev: 3,
    changedAt: 1_700_000_000_000,
    server: {
      id,
      rev: 7,
      deleted: false,
      data: { title: 'Theirs', customerId: 'c1', status: 'done' },
      updatedAt: 1_700_000_000_000,
    },
    ...overrides,
  };
}

export function rejectedLetter(id = 'w2', overrides: Partial<DeadLetter> = {}): DeadLetter {
  return {
    ...conflictLetter(id),
    reason: 'rejected',
    error: '"title" must not be empty',
    fields: [],
    attempts: 3,
    local: { id, title: '', customerId: 'c1', status: 'open' },
    baseRev: null,
    server: null,
    ...overrides,
  };
}
