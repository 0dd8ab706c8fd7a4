// Turns the bench's measured runs into bench/results.json: the figures, the ratios of each data
// set measured with rotations, and one line per target with its figure and whether it is met.
// The same targets print to the console and go into docs/performance.md (writeReport), so the
// document always carries the last run.
import { readFileSync, writeFileSync } from 'node:fs';
import * as prettier from 'prettier';

export const round = (value, digits = 0) =>
  value === null || value === undefined ? null : Number(value.toFixed(digits));
const rate = (run) => run?.recordsPerSec ?? null;
const ratio = (a, b) => (a && b ? round(a / b, 3) : null);
const thousands = (n) => Number(n).toLocaleString('en');

/** Figures and ratios of one data set (each kind the median of its rotations). */
function setFigures(run) {
  return {
    records: run.records,
    engineRecordsPerSec: round(rate(run.engine)),
    limitRecordsPerSec: round(rate(run.limit)),
    storageCeilingRecordsPerSec: round(rate(run.ceiling)),
    rxdbPeerRecordsPerSec: round(rate(run.peer)),
    engineCoreRecordsPerSec: round(rate(run.engineCore)),
    longestTaskMs: round(run.engine?.longestTaskMs, 1),
    ratios: {
      engineToStorageCeiling: ratio(rate(run.engine), rate(run.ceiling)),
      engineToLimit: ratio(rate(run.engine), rate(run.limit)),
      engineToPeer: ratio(rate(run.engine), rate(run.peer)),
      storageCeilingToLimit: ratio(rate(run.ceiling), rate(run.limit)),
      engineCoreToStorageCeiling: ratio(rate(run.engineCore), rate(run.ceiling)),
      engineToEngineCore: ratio(rate(run.engine), rate(run.engineCore)),
    },
  };
}

/** The engine targets of one data set; `suffix` tells the sets apart in the targets' names. */
function setTargets(set, suffix) {
  const at = `at ${thousands(set.records)} records`;
  const r = set.ratios;
  return {
    [`engineToStorageCeiling${suffix}`]: {
      target: `engine ÷ RxDB bulkUpsert ceiling >= 0.9 ${at}`,
      value: r.engineToStorageCeiling,
      met: r.engineToStorageCeiling >= 0.9,
    },
    [`engineToPeer${suffix}`]: {
      target: `engine ÷ RxDB replication >= 1.5 ${at}`,
      value: r.engineToPeer,
      met: r.engineToPeer >= 1.5,
    },
    [`longestTask${suffix}`]: {
      target: `longest main-thread task of the app's initial sync <= 50 ms ${at}`,
      value: set.longestTaskMs,
      met: set.longestTaskMs !== null && set.longestTaskMs <= 50,
    },
    [`engineToLimit${suffix}`]: {
      target: `moonshot, reported only: engine ÷ raw IndexedDB ${at}`,
      value: r.engineToLimit,
      met: null,
    },
  };
}

/**
 * results.json: the large set's figures at the top level (as before), the medium set under
 * `medium`, the small set's heap and first screen, the server figures, and the targets.
 */
export function summarise({ runs, load, setup }) {
  const { small, medium, large } = runs;
  const top = setFigures(large);
  const mid = medium ? setFigures(medium) : null;
  const results = {
    ...top,
    medium: mid,
    heapMB10k: round(small.engine?.heapMB, 1),
    heapMB100k: round(large.engine?.heapMB, 1),
    noopRoundTrips: large.engine?.noopRoundTrips ?? null,
    longestTaskProbeMs: round(large.engine?.longestTaskProbeMs, 1),
    firstScreenMsSmall: round(small.engine?.firstScreenMs),
    firstScreenMsMedium: round(medium?.engine?.firstScreenMs),
    firstScreenMsLarge: round(large.engine?.firstScreenMs),
    ...load.figures,
    ratios: {
      ...top.ratios,
      heap100kTo10k: ratio(large.engine?.heapMB, small.engine?.heapMB),
      firstScreenLargeToSmall: ratio(large.engine?.firstScreenMs, small.engine?.firstScreenMs),
    },
    targets: {},
    setup,
    runs,
    serverLoad: load.runs,
  };
  delete results.records;
  const small$ = thousands(small.records);
  const large$ = thousands(large.records);
  results.targets = {
    ...(mid ? setTargets(mid, 'Medium') : {}),
    ...setTargets(top, ''),
    longestTaskProbe: {
      target: 'the long-task probe sees an injected 100 ms task (>= 100 ms)',
      value: results.longestTaskProbeMs,
      met: results.longestTaskProbeMs >= 100,
    },
    heapFlat: {
      target: `heap after ${large$} records <= 1.25 × heap after ${small$}`,
      value: results.ratios.heap100kTo10k,
      met: results.ratios.heap100kTo10k !== null && results.ratios.heap100kTo10k <= 1.25,
    },
    firstScreenFlat: {
      target: `first work-order row with ${large$} records <= 1.25 × with ${small$}`,
      value: results.ratios.firstScreenLargeToSmall,
      met:
        results.ratios.firstScreenLargeToSmall !== null &&
        results.ratios.firstScreenLargeToSmall <= 1.25,
    },
    noopRoundTrips: {
      target: 'a sync with nothing to do: 1 round trip',
      value: results.noopRoundTrips,
      met: results.noopRoundTrips === 1,
    },
    ...serverTargets(results, load.targets),
  };
  return results;
}

/** The server's targets, with their figures added (server-load.mjs decides `met`). */
export function serverTargets(results, targets) {
  const values = {
    serverNoopToFloor: results.serverNoopToFloorRatio,
    serverP99: results.serverP99Ms,
  };
  return Object.fromEntries(
    Object.entries(targets).map(([name, target]) => [
      name,
      { ...target, value: values[name] ?? null },
    ]),
  );
}

/** One line per target: met / NOT met / reported, the figure, what it must be. */
export function targetLines(results) {
  return Object.values(results.targets).map((target) => {
    const state = target.met === null ? 'reported' : target.met ? 'met     ' : 'NOT met ';
    return `${state} ${String(target.value ?? '—').padStart(7)}  ${target.target}`;
  });
}

export function printSummary(results, serverRows) {
  const sets = [results.medium, results].filter(Boolean);
  const rows = sets.flatMap((set) => [
    [`— ${thousands(set.records ?? results.setup.records.large)} records —`, ''],
    ['engine (initial sync, login → gate closed)', `${set.engineRecordsPerSec} rec/s`],
    ['limit (raw IndexedDB puts, same pages)', `${set.limitRecordsPerSec} rec/s`],
    ['storage ceiling (RxDB bulkUpsert, no network)', `${set.storageCeilingRecordsPerSec} rec/s`],
    ['peer (RxDB replicateRxCollection)', `${set.rxdbPeerRecordsPerSec} rec/s`],
    ['engine core (pull phase alone, no app UI)', `${set.engineCoreRecordsPerSec} rec/s`],
    ['longest task', `${set.longestTaskMs} ms`],
  ]);
  rows.push(
    ['heap after small / large set', `${results.heapMB10k} / ${results.heapMB100k} MB`],
    [
      'first work-order row, small / large set',
      `${results.firstScreenMsSmall} / ${results.firstScreenMsLarge} ms`,
    ],
    ...serverRows(results),
  );
  console.log('');
  for (const [label, value] of rows) console.log(`  ${label.padEnd(48)} ${value}`);
  console.log('');
  for (const line of targetLines(results)) console.log(`  ${line}`);
}

const FIGURES = [
  ['engine: login → gate closed, rec/s', 'engineRecordsPerSec'],
  ['storage ceiling: RxDB bulkUpsert, rec/s', 'storageCeilingRecordsPerSec'],
  ['limit: raw IndexedDB puts, rec/s', 'limitRecordsPerSec'],
  ['peer: RxDB replication, rec/s', 'rxdbPeerRecordsPerSec'],
  ['engine core: pull phase alone, rec/s', 'engineCoreRecordsPerSec'],
  ['longest task of the app, ms', 'longestTaskMs'],
];

const START = '<!-- bench:targets:start -->';
const END = '<!-- bench:targets:end -->';

/** Replaces the block between the markers in docs/performance.md with this run's targets. */
export async function writeReport(results, file) {
  const text = readFileSync(file, 'utf8');
  const from = text.indexOf(START);
  const to = text.indexOf(END);
  if (from < 0 || to < from) throw new Error(`${file} has no ${START} … ${END} block`);
  const s = results.setup;
  const sets = [results.medium, { ...results, records: s.records.large }].filter(Boolean);
  const table = [
    `Run of ${s.date.slice(0, 10)}, app \`${s.appTree}\`, ${s.cpus}, Chromium ${s.chromium}, ` +
      `median of ${s.repeats} rotations, page size ${s.pullPageSize}, ` +
      `~${s.avgRecordBytesOnWire} bytes per record, load average ${s.loadAverage?.start} → ` +
      `${s.loadAverage?.end}. Written by \`npm run bench\`.`,
    '',
    '| figure | ' + sets.map((set) => `${thousands(set.records)} records`).join(' | ') + ' |',
    '| ------ | ' + sets.map(() => '-----:').join(' | ') + ' |',
    ...FIGURES.map(
      ([label, key]) =>
        `| ${label} | ${sets.map((set) => (set[key] === null ? '—' : thousands(set[key]))).join(' | ')} |`,
    ),
    '',
    '| state    | figure | target |',
    '| -------- | -----: | ------ |',
    ...Object.values(results.targets).map(
      (t) =>
        `| ${t.met === null ? 'reported' : t.met ? '**met**' : 'not met'} | ${t.value ?? '—'} | ${t.target} |`,
    ),
  ];
  const next = `${text.slice(0, from + START.length)}\n\n${table.join('\n')}\n\n${text.slice(to)}`;
  // Formatted as the repository's Prettier would, so the generated tables stay readable as text.
  const options = (await prettier.resolveConfig(file)) ?? {};
  writeFileSync(file, await prettier.format(next, { ...options, filepath: file }));
}
