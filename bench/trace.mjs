// BENCH_TRACE=1: a Chrome performance trace of the app's initial sync, and its summary. A CPU
// profile says where the main thread's time goes; a trace also says which tasks were long and
// what ran inside each (a fetch callback, an IndexedDB event, a timer, a frame, GC), and how long
// the thread sat idle between them. Usage: node bench/trace.mjs bench/artifacts/engine-20000.json
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const CATEGORIES = [
  'toplevel',
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'v8.execute',
  'blink.user_timing',
  'IndexedDB',
];

export async function startTrace(context, page) {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Tracing.start', {
    transferMode: 'ReturnAsStream',
    traceConfig: { includedCategories: CATEGORIES, recordMode: 'recordContinuously' },
  });
  return cdp;
}

export async function saveTrace(cdp, file) {
  const complete = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
  await cdp.send('Tracing.end');
  const { stream } = await complete;
  const chunks = [];
  for (;;) {
    const { data, eof, base64Encoded } = await cdp.send('IO.read', { handle: stream });
    chunks.push(base64Encoded ? Buffer.from(data, 'base64') : Buffer.from(data));
    if (eof) break;
  }
  await cdp.send('IO.close', { handle: stream });
  await cdp.detach();
  writeFileSync(file, Buffer.concat(chunks));
}

/** What a trace event did, in a word a reader can act on. */
function labelOf(event) {
  const data = event.args?.data ?? {};
  if (event.name === 'FunctionCall') {
    const script = (data.url || '').split('/').pop();
    return `FunctionCall ${data.functionName || '(anonymous)'} ${script}:${data.lineNumber ?? ''}`;
  }
  if (event.name === 'EventDispatch') return `EventDispatch ${data.type}`;
  if (event.name === 'TimerFire') return 'TimerFire';
  return event.name;
}

/**
 * Self time by function inside one window of a CPU profile taken at the same time (V8's profile
 * and the trace share one monotonic clock, in µs), so a long task's JavaScript has names.
 */
function profileWindow(profile, from, to) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const totals = new Map();
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i] ?? 0;
    if (at < from || at > to) return;
    const { functionName, url, lineNumber, columnNumber } = byId.get(id).callFrame;
    const label = `${functionName || '(anonymous)'} ${(url || '').split('/').pop()}:${lineNumber + 1}:${columnNumber + 1}`;
    totals.set(label, (totals.get(label) ?? 0) + (profile.timeDeltas[i + 1] ?? 0));
  });
  return [...totals].sort((a, b) => b[1] - a[1]);
}

export function summarise(trace, { longMs = 50, top = 12, profile = null } = {}) {
  const events = Array.isArray(trace) ? trace : trace.traceEvents;
  const names = events.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  // The page's renderer is the busiest main thread in the trace.
  const busiest = names
    .map((n) => ({
      pid: n.pid,
      tid: n.tid,
      count: events.filter((e) => e.pid === n.pid && e.tid === n.tid).length,
    }))
    .sort((a, b) => b.count - a.count)[0];
  const main = events
    .filter((e) => e.pid === busiest.pid && e.tid === busiest.tid && e.ph === 'X')
    .sort((a, b) => a.ts - b.ts);
  const tasks = main.filter((e) => e.name === 'RunTask');
  const span = tasks.length ? tasks.at(-1).ts + tasks.at(-1).dur - tasks[0].ts : 0;
  const busy = tasks.reduce((sum, task) => sum + task.dur, 0);
  const inside = (task) =>
    main.filter((e) => e !== task && e.ts >= task.ts && e.ts + e.dur <= task.ts + task.dur);
  const byLabel = (list) => {
    const totals = new Map();
    for (const event of list) {
      const label = labelOf(event);
      totals.set(label, (totals.get(label) ?? 0) + event.dur);
    }
    return [...totals].sort((a, b) => b[1] - a[1]).slice(0, top);
  };
  const long = tasks.filter((task) => task.dur >= longMs * 1000);
  console.log(
    `main thread: ${(span / 1000).toFixed(0)} ms from first to last task, ` +
      `${(busy / 1000).toFixed(0)} ms busy (${((100 * busy) / span).toFixed(0)} %), ` +
      `${tasks.length} tasks, ${long.length} of them ≥ ${longMs} ms`,
  );
  console.log('\nbusy time by what ran (events inside tasks, nested ones counted in each level)');
  for (const [label, us] of byLabel(main.filter((e) => e.name !== 'RunTask'))) {
    console.log(`${(us / 1000).toFixed(0).padStart(8)} ms  ${label}`);
  }
  for (const task of long.sort((a, b) => b.dur - a.dur).slice(0, 8)) {
    const at = ((task.ts - tasks[0].ts) / 1000).toFixed(0);
    console.log(`\nlong task at +${at} ms: ${(task.dur / 1000).toFixed(0)} ms`);
    for (const [label, us] of byLabel(inside(task))) {
      console.log(`${(us / 1000).toFixed(1).padStart(8)} ms  ${label}`);
    }
    if (profile) {
      console.log('  JavaScript inside it (self time, from the CPU profile):');
      for (const [label, us] of profileWindow(profile, task.ts, task.ts + task.dur).slice(0, top)) {
        console.log(`${(us / 1000).toFixed(1).padStart(8)} ms  ${label}`);
      }
    }
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: node bench/trace.mjs <trace.json> [longMs] [cpuprofile]');
    process.exit(2);
  }
  const profile = process.argv[4] ? JSON.parse(readFileSync(process.argv[4], 'utf8')) : null;
  summarise(JSON.parse(readFileSync(file, 'utf8')), {
    longMs: Number(process.argv[3] || 50),
    profile,
  });
}
