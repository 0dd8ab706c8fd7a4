/**
 * `npm run soak -- --histories N [--seed S] [--jobs J]`: N histories from seed S (default 1),
 * split over J processes (default: one per CPU, each with its own server), or the one history
 * `SIM_SEED` names. Failures print as they are found; the last line is
 * `histories: N, violations: V`, and the exit code is 1 on any violation.
 */
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';

import { closeSimServer } from './sim-server';
import { simulate } from './simulate';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} must be a whole number`);
  return value;
}

const SUMMARY = /^histories: (\d+), violations: (\d+)$/m;

/** One child process running `histories` seeds from `seed`; resolves with its counts. */
function child(
  seed: number,
  histories: number,
): Promise<{ histories: number; violations: number }> {
  return new Promise((resolve, reject) => {
    // The parent's flags (tsx's loader, the heap settings of `npm run soak`) for every child.
    const args = [
      ...process.execArgv,
      __filename,
      '--histories',
      `${histories}`,
      '--seed',
      `${seed}`,
      '--jobs',
      '1',
    ];
    const proc = spawn(process.execPath, args, {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: process.env,
    });
    let out = '';
    proc.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    proc.on('error', reject);
    proc.on('close', () => {
      const match = SUMMARY.exec(out);
      if (!match) reject(new Error(`soak worker from seed ${seed} ended without a summary`));
      else resolve({ histories: Number(match[1]), violations: Number(match[2]) });
    });
  });
}

async function main(): Promise<void> {
  const single = process.env['SIM_SEED'];
  const histories = single ? 1 : option('histories', 1000);
  const seed = single ? Number(single) : option('seed', 1);
  const jobs = single
    ? 1
    : Math.max(1, Math.min(option('jobs', availableParallelism()), histories));
  const started = Date.now();
  let total = { histories: 0, violations: 0 };
  if (jobs === 1) {
    const report = await simulate(histories, seed, (failure) => console.error(`\n${failure}\n`));
    await closeSimServer();
    total = report;
  } else {
    const size = Math.ceil(histories / jobs);
    const blocks = Array.from({ length: jobs }, (_, i) => ({
      seed: seed + i * size,
      histories: Math.max(0, Math.min(size, histories - i * size)),
    })).filter((block) => block.histories > 0);
    for (const counts of await Promise.all(blocks.map((b) => child(b.seed, b.histories)))) {
      total = {
        histories: total.histories + counts.histories,
        violations: total.violations + counts.violations,
      };
    }
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.info(`(${seconds} s, seeds ${seed}..${seed + histories - 1}, ${jobs} process(es))`);
  console.info(`histories: ${total.histories}, violations: ${total.violations}`);
  process.exitCode = total.violations > 0 ? 1 : 0;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
