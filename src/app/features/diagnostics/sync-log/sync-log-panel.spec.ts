import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { TestBed, type ComponentFixture } from '@angular/core/testing';
import { MatButtonToggleHarness } from '@angular/material/button-toggle/testing';
import { MatInputHarness } from '@angular/material/input/testing';
import { of } from 'rxjs';

import { SyncLog, type SyncLogDoc, type SyncLogLevel } from '../../../sync';
import { SyncLogPanel } from './sync-log-panel';

const LEVELS: SyncLogLevel[] = ['debug', 'info', 'warn', 'error'];

/** 2,000 entries, oldest first (as `entries$()` emits them); levels take turns. */
function entries(count = 2000): SyncLogDoc[] {
  return Array.from({ length: count }, (_, i) => ({
    id: String(i).padStart(13, '0'),
    time: 1_700_000_000_000 + i,
    seq: i,
    level: LEVELS[i % 4]!,
    runId: i % 100 === 1 ? `tab#${i}` : '',
    kind: 'manual',
    phase: '',
    tabId: 'tab',
    message: `entry ${i}`,
    data: i === 1999 ? { table: 'workOrders' } : null,
  }));
}

describe('SyncLogPanel', () => {
  let fixture: ComponentFixture<SyncLogPanel>;

  beforeEach(async () => {
    TestBed.configureTestingModule({
      imports: [SyncLogPanel],
      providers: [{ provide: SyncLog, useValue: { entries$: () => of(entries()) } }],
    });
    fixture = TestBed.createComponent(SyncLogPanel);
    await fixture.whenStable();
  });

  const loader = () => TestbedHarnessEnvironment.loader(fixture);
  const text = (selector: string) =>
    (fixture.nativeElement as HTMLElement).querySelector(selector)?.textContent?.trim();
  const renderedMessages = () =>
    [...(fixture.nativeElement as HTMLElement).querySelectorAll('[role=listitem] .message')].map(
      (el) => el.textContent?.trim().split(' {')[0],
    );

  it('shows the newest entries first, without debug, through a virtual list', async () => {
    expect(text('.summary')).toBe('1,500 of 2,000 entries, newest first');
    const rendered = renderedMessages();
    expect(rendered[0]).toBe('entry 1999');
    expect(rendered[1]).toBe('entry 1998');
    // Only what fits the viewport (plus a buffer) is in the DOM.
    expect(rendered.length).toBeLessThan(100);
  });

  it('lets the keyboard reach and scroll the log: a named, focusable viewport', async () => {
    const viewport = (fixture.nativeElement as HTMLElement).querySelector<HTMLElement>(
      'cdk-virtual-scroll-viewport',
    )!;
    expect(viewport.getAttribute('role')).toBe('list');
    expect(viewport.getAttribute('aria-label')).toBe('Sync log');
    expect(viewport.tabIndex).toBe(0);
    viewport.focus();
    expect(document.activeElement).toBe(viewport);
  });

  it('filters by level', async () => {
    const debug = await loader().getHarness(MatButtonToggleHarness.with({ text: 'debug' }));
    const info = await loader().getHarness(MatButtonToggleHarness.with({ text: 'info' }));
    await debug.toggle();
    await info.toggle();
    await fixture.whenStable();

    expect(text('.summary')).toBe('1,500 of 2,000 entries, newest first');
    expect(await debug.isChecked()).toBeTrue();
    expect(renderedMessages()[0]).toBe('entry 1999');
    expect(renderedMessages()).not.toContain('entry 1997');
  });

  it('filters by text in the message, the run and the data', async () => {
    const search = await loader().getHarness(MatInputHarness.with({ placeholder: '' }));
    // A debug entry: hidden by the level filter even though its text matches.
    await search.setValue('entry 1900');
    await fixture.whenStable();
    expect(text('.summary')).toBe('0 of 2,000 entries, newest first');

    await search.setValue('TAB#1801');
    await fixture.whenStable();
    expect(renderedMessages()).toEqual(['entry 1801']);

    await search.setValue('workorders');
    await fixture.whenStable();
    expect(renderedMessages()).toEqual(['entry 1999']);
  });
});
