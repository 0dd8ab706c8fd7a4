import { RunPlan, SyncKind, SyncTrigger } from './types';

/**
 * Strongest first. The product fixes manual > repository > background; `initial` outranks them
 * all because it gates the app, and a master-data re-sync is a manual request that does more.
 */
export const KIND_STRENGTH: Readonly<Record<SyncKind, number>> = {
  initial: 5,
  masterData: 4,
  manual: 3,
  repository: 2,
  background: 1,
};

/** The plan one trigger asks for on its own. */
export function planFor(trigger: SyncTrigger, at: number): RunPlan {
  return {
    kind: trigger.kind,
    // Background sync exists to get local writes out; it never pulls.
    scope: trigger.kind === 'background' ? 'pushOnly' : 'full',
    masterData: trigger.kind === 'masterData',
    initialTables: trigger.kind === 'initial' ? uniqueTables(trigger.tables) : [],
    requestCount: 1,
    since: at,
  };
}

/**
 * Folds one more plan into the one waiting (`undefined` when none waits): widest scope, strongest
 * kind, the master-data flag survives, initial tables are unioned. Associative and commutative
 * (up to table order), so the order in which requests meet doesn't change what runs.
 */
export function mergePlans(waiting: RunPlan | undefined, next: RunPlan): RunPlan {
  if (!waiting) return next;
  return {
    kind: KIND_STRENGTH[next.kind] > KIND_STRENGTH[waiting.kind] ? next.kind : waiting.kind,
    scope: waiting.scope === 'full' || next.scope === 'full' ? 'full' : 'pushOnly',
    masterData: waiting.masterData || next.masterData,
    initialTables: uniqueTables([...waiting.initialTables, ...next.initialTables]),
    requestCount: waiting.requestCount + next.requestCount,
    since: Math.min(waiting.since, next.since),
  };
}

function uniqueTables(tables: readonly string[]): readonly string[] {
  return [...new Set(tables)];
}
