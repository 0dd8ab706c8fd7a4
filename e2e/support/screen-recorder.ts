import type { BrowserContext, Page } from '@playwright/test';

/**
 * Records, in the page itself, what the screen showed over time: every distinct state of the
 * initial-sync dialog's status region and table list, and every toast that appeared. Short-lived
 * states (a progress line shown for 300 ms) are caught by a MutationObserver, not by polling.
 * The record starts again with each page load.
 */
export interface GateFrame {
  /** Epoch ms. */
  t: number;
  /** The status region's lines, ' | '-joined: current table, "Tables done: x of y", retry. */
  status: string;
  /** The table list, e.g. "Customers Done | Products 300 | Work orders Waiting". */
  tables: string;
  /** The dialog's error line when it failed, else ''. */
  error: string;
}

export interface ToastFrame {
  t: number;
  text: string;
}

export interface BadgeFrame {
  t: number;
  /** The badge's state word, e.g. 'syncing'. */
  state: string;
}

interface Recording {
  gate: GateFrame[];
  toasts: ToastFrame[];
  badge: BadgeFrame[];
}

function recorder(): void {
  const w = window as unknown as { __e2e?: Recording };
  if (w.__e2e) return;
  const recording: Recording = { gate: [], toasts: [], badge: [] };
  w.__e2e = recording;
  // A toast's text as last recorded: one is recorded once its text is there, and again only if
  // its text changes (a mutation may arrive between the element and its text).
  const toastTexts = new WeakMap<Element, string>();
  const text = (element: Element | null | undefined) =>
    (element?.textContent ?? '').replace(/\s+/g, ' ').trim();
  const look = () => {
    const dialog = document.querySelector('app-initial-sync-dialog');
    if (dialog) {
      const region = dialog.querySelector('[role="status"]');
      const status = Array.from(region?.children ?? [])
        .map((p) => text(p))
        .join(' | ');
      const tables = Array.from(dialog.querySelectorAll('.table-list li'))
        .map((li) =>
          Array.from(li.children)
            .map((span) => text(span))
            .join(' '),
        )
        .join(' | ');
      const error = text(dialog.querySelector('[role="alert"]'));
      const last = recording.gate.at(-1);
      if (!last || last.status !== status || last.tables !== tables || last.error !== error) {
        recording.gate.push({ t: Date.now(), status, tables, error });
      }
    }
    const badge = document.querySelector('app-sync-badge button')?.getAttribute('aria-label');
    if (badge) {
      // The state word only: the count the badge may show (", 2 unsynced changes") is not a state.
      const state = badge.replace(/^Sync status: /, '').replace(/, \d+ [a-z ]+$/, '');
      if (recording.badge.at(-1)?.state !== state) recording.badge.push({ t: Date.now(), state });
    }
    for (const toast of Array.from(document.querySelectorAll('.toast-message'))) {
      const shown = text(toast);
      if (!shown || toastTexts.get(toast) === shown) continue;
      toastTexts.set(toast, shown);
      recording.toasts.push({ t: Date.now(), text: shown });
    }
  };
  const start = () => {
    new MutationObserver(look).observe(document.documentElement, {
      subtree: true,
      childList: true,
      characterData: true,
      attributes: true,
      attributeFilter: ['aria-label'],
    });
    look();
  };
  if (document.documentElement) start();
  else document.addEventListener('readystatechange', start, { once: true });
}

/** Installs the recorder in every page of the context, from the next navigation on. */
export async function installScreenRecorder(target: BrowserContext | Page): Promise<void> {
  await target.addInitScript(recorder);
}

export async function gateFrames(page: Page): Promise<GateFrame[]> {
  return page.evaluate(() => (window as unknown as { __e2e?: Recording }).__e2e?.gate ?? []);
}

export async function toastFrames(page: Page): Promise<ToastFrame[]> {
  return page.evaluate(() => (window as unknown as { __e2e?: Recording }).__e2e?.toasts ?? []);
}

export async function badgeFrames(page: Page): Promise<BadgeFrame[]> {
  return page.evaluate(() => (window as unknown as { __e2e?: Recording }).__e2e?.badge ?? []);
}
