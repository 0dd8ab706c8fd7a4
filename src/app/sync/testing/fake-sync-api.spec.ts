import { firstValueFrom } from 'rxjs';

import type { PushChange, PushResult } from '../../../../contract/protocol';
import { FakeSyncApi } from './fake-sync-api';

const order = (title: string, status = 'open', notes?: string) => ({
  title,
  customerId: 'c1',
  status,
  ...(notes ? { notes } : {}),
});

/** The fake server follows the integrity rules the client relies on (docs/protocol.md). */
describe('FakeSyncApi', () => {
  let server: FakeSyncApi;
  const push = async (...changes: PushChange[]): Promise<PushResult[]> =>
    (await firstValueFrom(server.push({ changes }))).results;
  const write = (id: string, changeId: string, extra: Partial<PushChange>): PushChange => ({
    table: 'workOrders',
    id,
    changeId,
    baseRev: null,
    deleted: false,
    data: null,
    ...extra,
  });

  beforeEach(() => (server = new FakeSyncApi()));

  it('merges edits of different fields and answers with the merged record (rule 1)', async () => {
    const base = server.put('workOrders', 'w1', order('T'));
    server.put('workOrders', 'w1', order('T', 'done'));

    const [result] = await push(
      write('w1', 'c1', { baseRev: base.rev, base: base.data, data: order('Mine') }),
    );

    expect(result).toEqual(
      jasmine.objectContaining({
        status: 'applied',
        record: jasmine.objectContaining({ data: order('Mine', 'done') }),
      }),
    );
  });

  it('names the clashing fields of a conflict', async () => {
    const base = server.put('workOrders', 'w1', order('T'));
    server.put('workOrders', 'w1', order('Theirs'));

    const [result] = await push(
      write('w1', 'c1', { baseRev: base.rev, base: base.data, data: order('Mine') }),
    );

    expect(result).toEqual(jasmine.objectContaining({ status: 'conflict', fields: ['title'] }));
  });

  it('never conflicts a device with its own applied change whose answer it lost (rule 5)', async () => {
    const base = server.put('workOrders', 'w1', order('T'));
    await push(write('w1', 'lost', { baseRev: base.rev, base: base.data, data: order('A') }));

    const [result] = await push(
      write('w1', 'next', {
        baseRev: base.rev,
        base: base.data,
        priorChangeIds: ['lost'],
        data: order('B'),
      }),
    );

    expect(result.status).toBe('applied');
    expect(server.get('workOrders', 'w1')?.data).toEqual(order('B'));
  });

  it('keeps another device edit that a lost prior merged in (rule 5 with rule 1)', async () => {
    const base = server.put('workOrders', 'w1', order('T', 'open', 'old'));
    server.put('workOrders', 'w1', order('T', 'open', 'theirs'));
    // Merged with the other device's notes; the answer is lost.
    const [lost] = await push(
      write('w1', 'lost', { baseRev: base.rev, base: base.data, data: order('A', 'open', 'old') }),
    );
    expect(lost).toEqual(
      jasmine.objectContaining({
        record: jasmine.objectContaining({ data: order('A', 'open', 'theirs') }),
      }),
    );

    const [result] = await push(
      write('w1', 'next', {
        baseRev: base.rev,
        base: base.data,
        priorChangeIds: ['lost'],
        data: order('A', 'done', 'old'),
      }),
    );

    expect(result.status).toBe('applied');
    expect(server.get('workOrders', 'w1')?.data).toEqual(order('A', 'done', 'theirs'));
  });

  it('answers a re-sent change with its first outcome and the record as it is now', async () => {
    await push(write('w1', 'c1', { data: order('A') }));
    const now = server.put('workOrders', 'w1', order('Changed since'));

    const [again] = await push(write('w1', 'c1', { data: order('A') }));

    expect(again).toEqual(jasmine.objectContaining({ status: 'applied', record: now }));
  });

  it('refuses to delete a work order with live lines (rule 4)', async () => {
    const wo = server.put('workOrders', 'w1', order('T'));
    server.put('workOrderLines', 'l1', { workOrderId: 'w1', productId: 'p1', quantity: 1 });

    const [result] = await push(write('w1', 'd1', { baseRev: wo.rev, deleted: true }));

    expect(result).toEqual(jasmine.objectContaining({ status: 'conflict', fields: [] }));
  });

  it('serves current versions, tombstones included, with its epoch; a new epoch forgets all', async () => {
    server.put('workOrders', 'w1', order('T'));
    server.remove('workOrders', 'w1');

    const answer = await firstValueFrom(server.records({ table: 'workOrders', ids: ['w1', 'w9'] }));
    expect(answer.epoch).toBe('epoch-1');
    expect(answer.records.map((record) => [record.id, record.deleted])).toEqual([['w1', true]]);

    server.replaceData('epoch-2');
    const pulled = await firstValueFrom(
      server.pull({ tables: [{ table: 'workOrders', checkpoint: null }] }),
    );
    expect(pulled.epoch).toBe('epoch-2');
    expect(pulled.tables[0].records).toEqual([]);
  });
});
