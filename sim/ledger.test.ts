/**
 * The ledger's rules on their own, without devices or a server: what a user's decision settles,
 * and that an edit it does not cover is still reported lost.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { ServerRecord } from '../contract/protocol';
import { Ledger } from './ledger';

const LINE = 'workOrderLines|l1';
const tombstone: ServerRecord = { id: 'l1', rev: 20, deleted: true, data: null, updatedAt: 0 };

/** A line added on A, edited on B (unsent: B's value), and edited on A where B never saw it. */
function editedOnBothDevices(): Ledger {
  const ledger = new Ledger();
  const added = { workOrderId: 'wo-1', quantity: 40, note: 'L4' };
  ledger.write(LINE, undefined, added, 'step 4: A adds the line');
  ledger.write(LINE, added, { quantity: 95 }, 'step 9: B edits its quantity');
  ledger.write(LINE, added, { note: 'L7' }, 'step 7: A edits its note');
  return ledger;
}

describe('ledger: "Keep mine" on a deleted order deletes its lines as the device held them', () => {
  it('settles what the deleting device held, and reports an edit it never held', () => {
    const ledger = editedOnBothDevices();
    ledger.cascadeDeleted(
      'workOrderLines',
      [{ id: 'l1', workOrderId: 'wo-1', quantity: 95, note: 'L4', localDeleted: false }],
      [{ id: 'l1', workOrderId: 'wo-1', quantity: 95, note: 'L4', localDeleted: true }],
      1001,
      'quiet round 1: B keeps its deletion of wo-1',
    );

    const found = ledger.violations(new Map([[LINE, tombstone]]));

    assert.deepEqual(found, [
      'lost edit: workOrderLines|l1 note="L7" (step 7: A edits its note); the server has a tombstone',
    ]);
  });

  it('settles nothing for a line the resolution left live, or had deleted before', () => {
    const ledger = editedOnBothDevices();
    const held = { id: 'l1', workOrderId: 'wo-1', quantity: 95, note: 'L7' };
    ledger.cascadeDeleted('workOrderLines', [held], [held], 1001, 'left live');
    ledger.cascadeDeleted(
      'workOrderLines',
      [{ ...held, localDeleted: true }],
      [{ ...held, localDeleted: true }],
      1002,
      'already deleted',
    );

    const found = ledger.violations(new Map([[LINE, tombstone]]));

    assert.equal(found.length, 2, found.join('\n'));
    assert.match(found[0] ?? '', /quantity=95 .*a tombstone/);
    assert.match(found[1] ?? '', /note="L7" .*a tombstone/);
  });

  it('counts the line as deleted: live again later, with no keep or restore after, it is resurrected', () => {
    const ledger = editedOnBothDevices();
    const held = { id: 'l1', workOrderId: 'wo-1', quantity: 95, note: 'L7' };
    ledger.cascadeDeleted(
      'workOrderLines',
      [held],
      [{ ...held, localDeleted: true }],
      1001,
      'quiet round 1: B keeps its deletion of wo-1',
    );
    const live: ServerRecord = { ...tombstone, deleted: false, data: { ...held } };

    const found = ledger.violations(new Map([[LINE, live]]));

    assert.deepEqual(found, [
      'resurrected: workOrderLines|l1 was deleted (quiet round 1: B keeps its deletion of wo-1) ' +
        'and is live again',
    ]);
  });
});
