/**
 * Random histories, checked against the invariants (sim/invariants.ts, sim/ledger.ts). The same
 * seeds every run, so a red CI is reproducible with `SIM_SEED=<n> npm run soak`; the soak
 * explores further seeds. SIM_HISTORIES and SIM_FIRST_SEED change the range.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';

import { closeSimServer } from './sim-server';
import { runSeed } from './simulate';

const HISTORIES = Number(process.env['SIM_HISTORIES'] ?? 500);
const FIRST_SEED = Number(process.env['SIM_FIRST_SEED'] ?? 1);
/** Seeds per test: one test per block keeps the output short and each test well under a minute. */
const BLOCK = 50;

describe(`simulation: ${HISTORIES} random histories from seed ${FIRST_SEED}`, () => {
  after(() => closeSimServer());

  for (let start = 0; start < HISTORIES; start += BLOCK) {
    const first = FIRST_SEED + start;
    const last = Math.min(FIRST_SEED + HISTORIES, first + BLOCK) - 1;
    it(`seeds ${first}..${last}: no invariant broken`, async () => {
      const failures: string[] = [];
      for (let seed = first; seed <= last; seed++) {
        const failure = await runSeed(seed);
        if (failure) failures.push(failure);
      }
      assert.deepEqual(failures, [], `\n${failures.join('\n\n')}`);
    });
  }
});
