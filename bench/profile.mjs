// Summarises a CPU profile written by `BENCH_PROFILE=1 npm run bench`: the self time of the
// main thread by function and by script, largest first, so the doc's "where the time goes" is
// read from a measurement. Usage: node bench/profile.mjs bench/artifacts/engine-100000.cpuprofile
import { readFileSync } from 'node:fs';

const file = process.argv[2];
if (!file) {
  console.error('usage: node bench/profile.mjs <file.cpuprofile> [top]');
  process.exit(2);
}
const top = Number(process.argv[3] || 25);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const self = new Map();
// timeDeltas[i] is the time before sample i: charge it to that sample's node.
profile.samples.forEach((id, i) => {
  self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
});
const total = [...self.values()].reduce((a, b) => a + b, 0);
const byFunction = new Map();
const byScript = new Map();
for (const [id, us] of self) {
  const { functionName, url, lineNumber } = byId.get(id).callFrame;
  const script = url ? url.split('/').pop() : `(${functionName || 'native'})`;
  const fn = `${functionName || '(anonymous)'} ${script}:${lineNumber + 1}`;
  byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
  byScript.set(script, (byScript.get(script) ?? 0) + us);
}
const print = (title, map) => {
  console.log(`\n${title}`);
  for (const [name, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(
      `${(us / 1000).toFixed(0).padStart(8)} ms ${((100 * us) / total).toFixed(1).padStart(5)} %  ${name}`,
    );
  }
};
console.log(`${file}: ${(total / 1000).toFixed(0)} ms sampled`);
print('self time by script', byScript);
print('self time by function', byFunction);
