/**
 * The in-memory state behind the test-mode routes: queued faults, armed record rejections and
 * the request journal. It lives only in test mode and only in this process.
 */
import type { FaultSpec, JournalEntry } from '../../../contract/protocol';
import type { TableName } from '../../../contract/tables';

/** A FIFO of faults; each is used by `count` sync requests, then the next one takes over. */
export class FaultQueue {
  private readonly queue: { spec: FaultSpec; left: number }[] = [];

  add(specs: readonly FaultSpec[]): void {
    for (const spec of specs) if (spec.count > 0) this.queue.push({ spec, left: spec.count });
  }

  /** The fault for the next sync request, if any, counting that use. */
  take(): FaultSpec | undefined {
    const head = this.queue[0];
    if (!head) return undefined;
    head.left -= 1;
    if (head.left <= 0) this.queue.shift();
    return head.spec;
  }

  /** What is still queued, with the uses left as `count`. */
  pending(): FaultSpec[] {
    return this.queue.map(({ spec, left }) => ({ ...spec, count: left }));
  }

  clear(): void {
    this.queue.length = 0;
  }
}

/** "The next N pushes of this record are rejected", keyed by user, table and id. */
export class RejectionRules {
  private readonly left = new Map<string, number>();

  arm(userId: string, table: TableName, id: string, count: number): void {
    this.left.set(JSON.stringify([userId, table, id]), count);
  }

  /** True when a rule for this record has uses left; uses one. */
  take(userId: string, table: TableName, id: string): boolean {
    const key = JSON.stringify([userId, table, id]);
    const left = this.left.get(key) ?? 0;
    if (left <= 0) return false;
    if (left === 1) this.left.delete(key);
    else this.left.set(key, left - 1);
    return true;
  }

  clear(): void {
    this.left.clear();
  }
}

/** Long e2e runs must not grow the journal without bound; the oldest entries go first. */
const JOURNAL_CAPACITY = 10_000;

export class Journal {
  private readonly entries: JournalEntry[] = [];

  add(entry: JournalEntry): void {
    this.entries.push(entry);
    if (this.entries.length > JOURNAL_CAPACITY) this.entries.shift();
  }

  list(): JournalEntry[] {
    return [...this.entries];
  }

  clear(): void {
    this.entries.length = 0;
  }
}

export class TestState {
  readonly faults = new FaultQueue();
  readonly rejections = new RejectionRules();
  readonly journal = new Journal();

  clear(): void {
    this.faults.clear();
    this.rejections.clear();
    this.journal.clear();
  }
}
