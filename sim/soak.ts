/**
 * `npm run soak -- --histories N [--seed S]`: N histories from seed S (default 1), or the one
 * history `SIM_SEED` names. Ends with `histories: N, violations: V`; exits 1 on any violation.
 */
import { closeSimServer } from './sim-server';
import { simulate } from './simulate';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} must be a whole number`);
  return value;
}

async function main(): Promise<void> {
  const single = process.env['SIM_SEED'];
  const histories = single ? 1 : option('histories', 1000);
  const seed = single ? Number(single) : option('seed', 1);
  const started = Date.now();
  let done = 0;
  const report = await simulate(histories, seed, (failure) => console.error(`\n${failure}\n`));
  done = report.histories;
  await closeSimServer();
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.info(`(${seconds} s, seeds ${seed}..${seed + histories - 1})`);
  console.info(`histories: ${done}, violations: ${report.violations}`);
  process.exitCode = report.violations > 0 ? 1 : 0;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
