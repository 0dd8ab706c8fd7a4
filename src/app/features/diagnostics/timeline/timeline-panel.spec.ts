import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { TestBed } from '@angular/core/testing';
import { MatTableHarness } from '@angular/material/table/testing';
import { provideMockStore } from '@ngrx/store/testing';

import { initialDiagnosticsState } from '../state/diagnostics.feature';
import type { TimelineRun } from './timeline';
import { TimelinePanel } from './timeline-panel';

const counts = { pushed: 1, rejected: 1, deadLettered: 1, pulled: 4, tables: [] };
const runs: TimelineRun[] = [
  {
    runId: 't#2',
    kind: 'manual',
    scope: 'full',
    masterData: false,
    startedAt: 10_000,
    triggers: [
      { kind: 'repository', count: 3 },
      { kind: 'manual', count: 1 },
    ],
    requestCount: 4,
    queueWaitMs: 640,
    lockWaitMs: 1500,
    phases: [
      {
        phase: 'push',
        startedAt: 11_500,
        endedAt: 11_620,
        sent: 1,
        rejected: 1,
        deadLettered: 1,
        tables: [],
      },
      {
        phase: 'pull',
        startedAt: 11_620,
        endedAt: 13_720,
        sent: 0,
        rejected: 0,
        deadLettered: 0,
        tables: [{ table: 'workOrders', done: 4 }],
      },
    ],
    outcome: {
      status: 'succeeded',
      reason: null,
      errorKind: null,
      message: null,
      finishedAt: 13_800,
      counts,
    },
    watchdogFired: false,
  },
  {
    runId: 't#1',
    kind: 'background',
    scope: 'pushOnly',
    masterData: false,
    startedAt: 1_000,
    triggers: [{ kind: 'background', count: 1 }],
    requestCount: 1,
    queueWaitMs: 500,
    lockWaitMs: 0,
    phases: [
      {
        phase: 'push',
        startedAt: 1_010,
        endedAt: 1_200,
        sent: 0,
        rejected: 0,
        deadLettered: 0,
        tables: [],
      },
    ],
    outcome: {
      status: 'failed',
      reason: 'push',
      errorKind: 'offline',
      message: 'network down',
      finishedAt: 1_200,
      counts,
    },
    watchdogFired: false,
  },
];

describe('TimelinePanel', () => {
  it('shows one row per run: triggers, waits, phases and outcome', async () => {
    TestBed.configureTestingModule({
      imports: [TimelinePanel],
      providers: [
        provideMockStore({
          initialState: {
            diagnostics: { ...initialDiagnosticsState, timeline: { runs, waiting: [] } },
          },
        }),
      ],
    });
    const fixture = TestBed.createComponent(TimelinePanel);
    await fixture.whenStable();
    const table = await TestbedHarnessEnvironment.loader(fixture).getHarness(MatTableHarness);

    const rows = await table.getCellTextByColumnName();
    const squeeze = (texts: string[] | undefined) => texts?.map((t) => t.replace(/\s+/g, ' '));
    const phaseLines = [
      ...(fixture.nativeElement as HTMLElement).querySelectorAll('td.mat-column-phases'),
    ].map((cell) => [...cell.querySelectorAll('div')].map((line) => line.textContent?.trim()));

    expect(squeeze(rows['triggers']?.text)).toEqual([
      'Local write ×3, Manual 4 requests',
      'Background 1 request',
    ]);
    expect(squeeze(rows['waits']?.text)).toEqual([
      'queue 640 ms lock 1.5 s',
      'queue 500 ms lock 0 ms',
    ]);
    expect(phaseLines).toEqual([
      ['push 120 ms: 1 sent, 1 rejected, 1 dead-lettered', 'pull 2.1 s: workOrders 4'],
      ['push 190 ms: 0 sent'],
    ]);
    expect(rows['outcome']?.text).toEqual([
      'succeeded in 3.8 s',
      'failed (push: offline network down) after 200 ms',
    ]);
  });

  it('says so when no run was seen yet', async () => {
    TestBed.configureTestingModule({
      imports: [TimelinePanel],
      providers: [provideMockStore({ initialState: { diagnostics: initialDiagnosticsState } })],
    });
    const fixture = TestBed.createComponent(TimelinePanel);
    await fixture.whenStable();
    expect((fixture.nativeElement as HTMLElement).textContent).toContain('No sync run yet');
  });
});
