// What the bench reads inside the page: long tasks, the gate dialog's times, the first rendered
// work-order row, the JS heap after GC, and the control that proves the long-task probe works.

/**
 * Installed before the app's first script, on every navigation: long tasks, when the gate dialog
 * opened and closed, and when the first work-order row appeared (performance.now(), so from the
 * navigation's start).
 */
export function instrument() {
  const state = { longTasks: [], gateOpenedAt: null, gateClosedAt: null, firstRowAt: null };
  window.__bench = state;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      state.longTasks.push({ start: entry.startTime, duration: entry.duration });
    }
  }).observe({ type: 'longtask', buffered: true });
  const watch = () => {
    const open = document.getElementById('initial-sync-title') !== null;
    if (open && state.gateOpenedAt === null) state.gateOpenedAt = performance.now();
    if (!open && state.gateOpenedAt !== null && state.gateClosedAt === null) {
      state.gateClosedAt = performance.now();
    }
    if (state.firstRowAt === null && document.querySelector('a.row-link') !== null) {
      state.firstRowAt = performance.now();
    }
  };
  new MutationObserver(watch).observe(document, { childList: true, subtree: true });
}

export async function heapAfterGc(context, page) {
  const cdp = await context.newCDPSession(page);
  for (let i = 0; i < 3; i++) await cdp.send('HeapProfiler.collectGarbage');
  const bytes = await page.evaluate(() => performance.memory.usedJSHeapSize);
  await cdp.detach();
  return bytes / (1024 * 1024);
}

/**
 * The first screen of a device that is already set up: a fresh navigation to the work-order list
 * until its first row (read from IndexedDB) is rendered, in ms from the navigation's start.
 */
export async function firstScreenMs(page) {
  await page.goto('/work-orders');
  await page.waitForFunction(() => window.__bench.firstRowAt !== null, null, {
    timeout: 120_000,
    polling: 50,
  });
  return page.evaluate(() => window.__bench.firstRowAt);
}

/**
 * The control for the longest-task figure: a task of a known 100 ms run in the page, and the
 * longest task the same observer then reports. A broken observer (or one reading the wrong
 * window) reports less than 100 ms, so a low "longest task" can't pass by accident.
 */
export async function longestTaskProbeMs(page) {
  // Scheduled from the page's own event loop: a script evaluated by the debugger protocol is not
  // a task the long-task observer attributes to the page.
  const injectedAt = await page.evaluate(
    () =>
      new Promise((resolve) => {
        setTimeout(() => {
          const start = performance.now();
          while (performance.now() - start < 100) {
            // Busy on purpose: one uninterrupted 100 ms task.
          }
          resolve(start);
        }, 0);
      }),
  );
  // Long-task entries are delivered after the task, asynchronously.
  await page
    .waitForFunction(
      (at) => window.__bench.longTasks.some((task) => task.start + task.duration >= at + 100),
      injectedAt,
      { timeout: 5_000, polling: 50 },
    )
    .catch(() => undefined);
  const tasks = await page.evaluate(() => window.__bench.longTasks);
  const seen = tasks.filter((task) => task.start + task.duration >= injectedAt);
  return Math.max(0, ...seen.map((task) => task.duration));
}
