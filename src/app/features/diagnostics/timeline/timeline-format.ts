/** Words for the timeline table; pure, so the panel's template stays a template. */
import type { TimelinePhase, TimelineRun } from './timeline';

const KIND_LABELS: Record<string, string> = {
  initial: 'Initial',
  masterData: 'Master data',
  manual: 'Manual',
  repository: 'Local write',
  background: 'Background',
};

export function kindLabel(kind: string): string {
  return KIND_LABELS[kind] ?? kind;
}

export function formatMs(ms: number | null): string {
  if (ms === null) return '—';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** e.g. "Local write ×3, Manual" */
export function triggersText(run: TimelineRun): string {
  if (run.triggers.length === 0) return 'not seen';
  return run.triggers
    .map(({ kind, count }) => (count > 1 ? `${kindLabel(kind)} ×${count}` : kindLabel(kind)))
    .join(', ');
}

/** e.g. "push 120 ms: 3 sent, 1 rejected" or "pull 2.1 s: workOrders 40, customers 0" */
export function phaseText(phase: TimelinePhase): string {
  const duration = formatMs(phase.endedAt === null ? null : phase.endedAt - phase.startedAt);
  const running = phase.endedAt === null ? 'running' : duration;
  if (phase.phase === 'push') {
    const extra = [
      phase.rejected ? `${phase.rejected} rejected` : '',
      phase.deadLettered ? `${phase.deadLettered} dead-lettered` : '',
    ].filter(Boolean);
    return `push ${running}: ${[`${phase.sent} sent`, ...extra].join(', ')}`;
  }
  const tables = phase.tables.map((t) => `${t.table} ${t.done}`).join(', ');
  return `pull ${running}: ${tables || 'nothing new'}`;
}

export function outcomeText(run: TimelineRun): string {
  const { outcome } = run;
  if (!outcome) return 'running';
  const took = formatMs(outcome.finishedAt - run.startedAt);
  if (outcome.status === 'succeeded') return `succeeded in ${took}`;
  const why = run.watchdogFired ? 'watchdog' : outcome.reason;
  return `failed (${why}: ${outcome.errorKind} ${outcome.message}) after ${took}`;
}
