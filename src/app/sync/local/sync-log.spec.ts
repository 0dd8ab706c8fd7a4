import { TestBed } from '@angular/core/testing';
import { firstValueFrom } from 'rxjs';

import type { SyncLogSink } from '../core';
import { LocalDatabase } from './local-database';
import { provideTestLocalDb, removeTestLocalDb } from './local-db.testing';
import { SyncLog, type SyncLogInput } from './sync-log';

const entry = (message: string): SyncLogInput => ({
  level: 'info',
  runId: 'run-1',
  kind: 'pull',
  phase: 'page',
  message,
  data: { n: message },
});

describe('SyncLog', () => {
  let log: SyncLog;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: provideTestLocalDb({ config: { logLimit: 20, logTrimEvery: 5 } }),
    });
    log = TestBed.inject(SyncLog);
  });

  afterEach(async () => {
    await log.flush();
    await removeTestLocalDb();
  });

  it('stores structured entries in append order', async () => {
    log.append(entry('a'));
    log.append(entry('b'));
    await log.flush();

    const entries = await firstValueFrom(log.entries$());

    expect(entries.map((e) => e.message)).toEqual(['a', 'b']);
    expect(entries[0]).toEqual(
      jasmine.objectContaining({
        level: 'info',
        runId: 'run-1',
        kind: 'pull',
        phase: 'page',
        tabId: log.tabId,
        data: { n: 'a' },
        seq: 0,
      }),
    );
    expect(entries[1].seq).toBe(1);
  });

  it('stays bounded: trims in batches and keeps the newest entries', async () => {
    for (let i = 0; i < 53; i++) log.append(entry(`m${i}`));
    await log.flush();

    const { synclog } = await TestBed.inject(LocalDatabase).open();
    const afterAppends = await synclog.count().exec();
    expect(afterAppends).toBeGreaterThanOrEqual(20);
    expect(afterAppends).toBeLessThanOrEqual(20 + 5);

    const before = await firstValueFrom(log.entries$(100));
    await log.trim();
    const entries = await firstValueFrom(log.entries$());
    expect(entries.length).toBe(20);
    expect(entries[0].message).toBe('m33');
    expect(entries[19].message).toBe('m52');
    // Removed entries leave no tombstones behind.
    const raw = await synclog.storageInstance.findDocumentsById(
      before.map((e) => e.id),
      true,
    );
    expect(raw.length).toBe(20);
  });

  it('works as the engine log sink, filling what the entry leaves out', async () => {
    const sink: SyncLogSink = log.append;
    sink({ time: 5, level: 'warn', message: 'lock busy', phase: 'lock', data: 3 });
    await log.flush();

    const [stored] = await firstValueFrom(log.entries$());

    expect(stored).toEqual(
      jasmine.objectContaining({
        time: 5,
        level: 'warn',
        runId: '',
        kind: '',
        phase: 'lock',
        tabId: log.tabId,
        data: { value: 3 },
      }),
    );
  });

  it('stores errors as plain data, without their unstorable causes', async () => {
    const response = { headers: { get: () => 'x' }, status: 503 };
    const error = Object.assign(new Error('HTTP 503', { cause: response }), {
      kind: 'http',
      status: 503,
    });
    log.append({
      level: 'warn',
      message: 'run failed',
      data: { outcome: { status: 'failed', error } },
    });
    await log.flush();

    const [stored] = await firstValueFrom(log.entries$());

    expect(stored.data).toEqual({
      outcome: {
        status: 'failed',
        error: { name: 'Error', message: 'HTTP 503', kind: 'http', status: 503 },
      },
    });
  });
});
