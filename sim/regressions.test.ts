/**
 * The nine histories of issue 12 and the histories random seeds found since, each a named
 * regression: the same runner and invariants as the random histories, on steps written by hand.
 * Records are named by position among the device's live records sorted by id: the seeded orders
 * wo-000001..3 come first (#0..#2), then the device's own (`<device>-wo<step>`); lines likewise
 * (wol-000001..3, then `<device>-l<step>-<i>`).
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';

import { runHistory, type HistoryResult } from './history';
import { closeSimServer } from './sim-server';
import type { Resolution, Step } from './steps';

const A = 0;
const B = 1;
const sync = (d: number, extra: Partial<Extract<Step, { op: 'sync' }>> = {}): Step => ({
  op: 'sync',
  d,
  faults: [],
  crashAfterWrites: null,
  during: null,
  ...extra,
});
const edit = (
  d: number,
  k: number,
  fields: {
    title?: boolean;
    notes?: boolean;
    status?: 'open' | 'inProgress' | 'done' | 'cancelled';
  },
): Step => ({
  op: 'editOrder',
  d,
  k,
  title: fields.title ?? false,
  notes: fields.notes ?? false,
  status: fields.status ?? null,
});

let run = 0;
function history(steps: Step[], answers: Resolution[] = ['useServer']): Promise<HistoryResult> {
  return runHistory({ devices: 2, steps, answers }, `xr${run++}`);
}

function assertClean(result: HistoryResult): void {
  assert.deepEqual(result.violations, [], result.violations.join('\n'));
}

after(() => closeSimServer());

describe('issue 12: the nine histories', () => {
  it('1. a stale form (or an edit based on an older version) merges with the other device edit', async () => {
    const result = await history([
      { op: 'openForm', d: B, k: 0 },
      edit(A, 0, { status: 'done', notes: true }),
      sync(A),
      { op: 'saveForm', d: B, f: 0, title: true, notes: false, status: null },
      sync(B),
      sync(A),
    ]);
    assertClean(result);
    assert.equal(result.deadLetters, 0, 'status and notes on A, title on B: no conflict');
  });

  it('2. a deleted new record whose create response was lost does not come back', async () => {
    const result = await history([
      { op: 'createOrder', d: A, status: 'open', lines: 1 },
      sync(A, { faults: ['lose'] }),
      { op: 'deleteOrder', d: A, k: 3 },
      sync(A),
      sync(B),
    ]);
    assertClean(result);
  });

  it('3. "Use server\'s" installs the current server version, not the copy from push time', async () => {
    const result = await history(
      [
        sync(B),
        edit(A, 0, { title: true }),
        sync(A),
        edit(B, 0, { title: true }),
        sync(B),
        edit(A, 0, { notes: true }),
        sync(A),
        sync(B),
        { op: 'resolve', d: B, k: 0, action: 'useServer' },
        sync(B),
      ],
      ['useServer'],
    );
    assertClean(result);
  });

  it('4. a discard while a pull is running keeps the record', async () => {
    const result = await history([
      edit(A, 0, { title: true }),
      { op: 'serverRejects', k: 0, count: 3 },
      sync(A),
      sync(A),
      sync(A),
      edit(B, 1, { notes: true }),
      sync(B),
      sync(A, { during: { op: 'resolve', d: A, k: 0, action: 'discard' } }),
    ]);
    assertClean(result);
  });

  it('5. no live line under a deleted order: a delete that did not know a new line conflicts', async () => {
    const result = await history(
      [{ op: 'addLine', d: B, k: 0 }, sync(B), { op: 'deleteOrder', d: A, k: 0 }, sync(A), sync(B)],
      ['useServer'],
    );
    assertClean(result);
    assert.ok(result.deadLetters > 0, 'the deleting device is asked');
  });

  it('6. a server restored from a backup is noticed, and every device ends with its data', async () => {
    const result = await history([
      { op: 'backup' },
      edit(A, 0, { title: true }),
      sync(A),
      sync(B),
      { op: 'restore' },
      edit(A, 1, { notes: true }),
      sync(A),
      sync(B),
    ]);
    assertClean(result);
  });

  it('7. the initial-sync gate stays closed after a recovery (checked on every device)', async () => {
    const result = await history([
      { op: 'backup' },
      { op: 'createOrder', d: A, status: 'open', lines: 0 },
      sync(A),
      { op: 'restore' },
      sync(A),
      sync(B),
    ]);
    assertClean(result);
  });

  it('8. a lost push response plus another edit is not a conflict with oneself', async () => {
    const result = await history([
      edit(A, 0, { title: true }),
      sync(A, { faults: ['lose'] }),
      edit(A, 0, { title: true }),
      sync(A),
      { op: 'createOrder', d: A, status: 'open', lines: 0 },
      sync(A, { faults: ['lose'] }),
      { op: 'deleteOrder', d: A, k: 3 },
      sync(A),
    ]);
    assertClean(result);
    assert.equal(result.refused, 0, 'nothing refused');
    assert.equal(result.deadLetters, 0);
  });

  it('9. a new order edited after its new line is pushed before the line, across batches', async () => {
    const result = await history([
      { op: 'createOrder', d: A, status: 'open', lines: 0 },
      { op: 'addLine', d: A, k: 3 },
      { op: 'createOrder', d: A, status: 'open', lines: 0 },
      { op: 'createOrder', d: A, status: 'open', lines: 0 },
      { op: 'createOrder', d: A, status: 'open', lines: 0 },
      { op: 'createOrder', d: A, status: 'open', lines: 0 },
      edit(A, 3, { title: true }),
      sync(A),
    ]);
    assertClean(result);
    assert.equal(result.refused, 0, 'the line never went out before its order');
  });
});

describe('histories found by the simulation', () => {
  it('seed 6823: "Keep mine" on a deleted order deletes its lines as this device holds them, own edits included', async () => {
    // B deletes order #0 while A adds a line to it: B's delete conflicts and B pulls the line.
    // B edits that line, then keeps its deletion of the order: rule 4 deletes the order's local
    // lines too, B's unsent edit with them: B's choice covers what B's device held.
    const result = await history([
      { op: 'deleteOrder', d: B, k: 0 },
      { op: 'addLine', d: A, k: 0 },
      sync(A),
      sync(B),
      { op: 'editLine', d: B, k: 2, quantity: true, note: true },
      { op: 'resolve', d: B, k: 0, action: 'keepMine' },
      sync(B),
      sync(A),
    ]);
    assertClean(result);
    assert.equal(
      result.deadLetters,
      0,
      'the line and the order are deleted without a new conflict',
    );
  });

  it('seed 2806: a deletion made before a restore reaches the new epoch, so a re-sent create of that record is a conflict', async () => {
    // B's new line lands with its answer lost; A pulls it; the server is restored to a backup
    // from before it. A deletes the line, B never learned its create landed: both still have
    // something to tell the new epoch. If A's resync dropped its deletion as "gone on both
    // sides", B's create would bring the line back with nobody asked.
    const result = await history([
      { op: 'backup' },
      { op: 'addLine', d: B, k: 0 },
      // The first request is the push's epoch check; the push's own answer is lost.
      sync(B, { faults: [null, 'lose'] }),
      sync(A),
      { op: 'restore' },
      { op: 'deleteLine', d: A, k: 3 },
      sync(A),
      sync(B),
      sync(A),
    ]);
    assertClean(result);
    assert.ok(result.deadLetters > 0, "B is asked about its line, deleted on A's device");
  });
});
