/**
 * Runs one history: a fresh user on the shared server, its devices' initial syncs, the steps,
 * then a quiet phase without faults in which every device syncs and the user answers every dead
 * letter, until nothing is pending. Returns the invariant violations, as readable lines.
 */
import { firstValueFrom } from 'rxjs';

import type { ServerRecord } from '../contract/protocol';
import type { TableName } from '../contract/tables';
import { Ledger } from './ledger';
import { SimDevice, SIM_TABLES, type LocalDoc } from './sim-device';
import { SimNetwork } from './sim-network';
import {
  newSimUser,
  rejectNext,
  restoreUser,
  serverRecords,
  simServer,
  snapshotUser,
  type UserSnapshot,
} from './sim-server';
import { describeStep, type History, type Step } from './steps';
import { checkConvergence } from './invariants';
import {
  deadLetters,
  resolveDeadLetter,
  runUserStep,
  type ActionContext,
  type OpenForms,
} from './user-actions';

/** Open devices at once: 2 × 5 collections, under RxDB's 13 per process. */
const MAX_OPEN_DEVICES = 2;
const QUIET_ROUNDS = 12;
const VERBOSE = process.env['SIM_VERBOSE'] === '1';
const TRACE = process.env['SIM_TRACE'] === '1';

export interface HistoryResult {
  readonly violations: string[];
  /** Dead letters the user had to answer in the quiet phase (a false conflict shows up here). */
  readonly deadLetters: number;
  /** Changes refused (rejected or in conflict) by the server over the whole history. */
  readonly refused: number;
}

export async function runHistory(history: History, seedKey: string): Promise<HistoryResult> {
  const server = await simServer();
  const { userId, token } = await newSimUser(server, 'sim');
  let time = 1_800_000_000_000;
  const clock = () => time++;
  const devices = Array.from(
    { length: history.devices },
    (_, i) =>
      new SimDevice(
        `${seedKey}-${String.fromCharCode(65 + i)}`,
        userId,
        new SimNetwork(server.app, token),
        clock,
      ),
  );
  const ledger = new Ledger();
  const forms: OpenForms = new Map();
  const open: SimDevice[] = [];
  const activate = async (device: SimDevice) => {
    const at = open.indexOf(device);
    if (at >= 0) open.splice(at, 1);
    open.push(device);
    while (open.length > MAX_OPEN_DEVICES) await open.shift()?.close();
    return device;
  };
  const serverVersion = async (table: TableName, id: string): Promise<ServerRecord | undefined> =>
    (await serverRecords(server, userId)).get(`${table}|${id}`);
  const serverLines = async (orderId: string): Promise<ServerRecord[]> =>
    [...(await serverRecords(server, userId)).values()].filter(
      (record) =>
        record.table === 'workOrderLines' &&
        !record.deleted &&
        record.data?.['workOrderId'] === orderId,
    );
  const context = (step: number, where: string): ActionContext => ({
    ledger,
    forms,
    step,
    where,
    serverVersion,
    serverLines,
  });
  const violations: string[] = [];
  let answered = 0;
  let backup: UserSnapshot | null = null;
  let backupStep = 0;

  try {
    for (const device of devices) {
      await activate(device);
      await firstValueFrom(device.store.ensureOwner(userId));
      if ((await device.sync('initial')) !== 'ok')
        violations.push(`${device.name}: initial sync failed`);
    }
    for (const [index, step] of history.steps.entries()) {
      const at = index + 1;
      const where = `step ${at}: ${describeStep(step)}`;
      await runStep(step, at, where);
      if (VERBOSE) console.info(`  ${where}`);
      await trace();
    }
    await quietPhase();
    violations.push(...(await checkConvergence(server, userId, devices, activate)));
    violations.push(...ledger.violations(await serverRecords(server, userId)));
    for (const device of devices) {
      await activate(device);
      const complete = await firstValueFrom(device.store.completedInitialTables(userId));
      const missing = SIM_TABLES.filter((spec) => !complete.includes(spec.name));
      if (missing.length > 0)
        violations.push(
          `${device.name}: the gate would reopen for ${missing.map((s) => s.name).join(', ')}`,
        );
    }
  } finally {
    for (const device of devices) await device.close();
  }
  return {
    violations,
    deadLetters: answered,
    refused: devices.reduce((sum, d) => sum + d.refused, 0),
  };

  /**
   * SIM_TRACE=1: after every step and quiet round, the lines as the server and each device hold
   * them (`id@rev`, then D deleted, P pending, L dead letter, S stale): where a line went wrong.
   */
  async function trace(): Promise<void> {
    if (!TRACE) return;
    const held = [...(await serverRecords(server, userId)).entries()]
      .filter(([key]) => key.startsWith('workOrderLines|'))
      .map(([key, record]) => `${key.split('|')[1]}@${record.rev}${record.deleted ? 'D' : ''}`);
    console.info(`      server: ${held.join(' ')}`);
    for (const device of devices) {
      await activate(device);
      const docs = await device.docs('workOrderLines');
      console.info(`      ${device.name}: ${docs.map(traceDoc).join(' ')}`);
    }
  }

  async function runStep(step: Step, at: number, where: string): Promise<void> {
    if (step.op === 'backup') {
      backup = await snapshotUser(server, userId);
      backupStep = at;
      return;
    }
    if (step.op === 'serverRejects') {
      await rejectNext(server, userId, 'workOrders', `wo-00000${step.k + 1}`, step.count);
      return;
    }
    if (step.op === 'restore') {
      if (!backup) return;
      const snapshot: UserSnapshot = backup;
      const kept = await keptAcrossRestore(snapshot);
      ledger.restored(at, backupStep, (key, field, value) =>
        kept.has(`${key}|${field}|${JSON.stringify(value)}`),
      );
      await restoreUser(server, userId, snapshot);
      return;
    }
    const device = await activate(devices[step.d % devices.length] as SimDevice);
    if (step.op !== 'sync') {
      await runUserStep(device, step, context(at, where));
      return;
    }
    device.network.faults = [...step.faults];
    const during = step.during;
    device.network.interleave = during
      ? () => runUserStep(device, { ...during, d: step.d }, context(at, `${where} (while waiting)`))
      : null;
    const outcome = await device.sync('manual', step.crashAfterWrites);
    if (VERBOSE) console.info(`    → ${outcome}`);
    device.network.faults = [];
    device.network.interleave = null;
  }

  /** Values a restore must not lose: in the backup, or still local changes on some device. */
  async function keptAcrossRestore(snapshot: UserSnapshot): Promise<Set<string>> {
    const kept = new Set<string>();
    const add = (key: string, data: Record<string, unknown> | null) => {
      for (const [field, value] of Object.entries(data ?? {}))
        kept.add(`${key}|${field}|${JSON.stringify(value)}`);
    };
    for (const [table, id, , deleted, data] of snapshot.records) {
      if (!deleted && typeof data === 'string')
        add(`${table as string}|${id as string}`, JSON.parse(data));
    }
    for (const device of devices) {
      await activate(device);
      for (const spec of SIM_TABLES) {
        for (const doc of await device.docs(spec.name)) {
          if (doc.syncPending || doc.syncDeadLetter) add(`${spec.name}|${doc.id}`, doc);
        }
      }
    }
    return kept;
  }

  async function quietPhase(): Promise<void> {
    let answer = 0;
    for (let round = 1; round <= QUIET_ROUNDS; round++) {
      let busy = false;
      for (const device of devices) {
        await activate(device);
        device.network.faults = [];
        if ((await device.sync('manual')) !== 'ok') busy = true;
        const letters = await deadLetters(device);
        for (const letter of letters) {
          busy = true;
          answered++;
          // Late rounds stop retrying: a rejection that can never apply must be dropped.
          const choice =
            round > 6
              ? 'discard'
              : (history.answers[answer++ % history.answers.length] ?? 'discard');
          const where = `quiet round ${round}: ${device.name} answers ${choice} for ${letter.table}/${letter.id}`;
          if (VERBOSE) console.info(`  ${where} (${letter.error})`);
          await resolveDeadLetter(device, context(1000 + round, where), letter, choice);
        }
        if ((await pendingCount(device)) > 0) busy = true;
      }
      await trace();
      if (!busy) {
        // One more pass so every device pulls what the others pushed last.
        for (const device of devices) {
          await activate(device);
          await device.sync('manual');
        }
        return;
      }
    }
    violations.push(`still pending or failing after ${QUIET_ROUNDS} quiet rounds`);
  }
}

async function pendingCount(device: SimDevice): Promise<number> {
  let count = 0;
  for (const spec of SIM_TABLES) {
    count += (await device.docs(spec.name)).filter(
      (doc) => doc.syncPending || doc.syncDeadLetter,
    ).length;
  }
  return count;
}

function traceDoc(doc: LocalDoc): string {
  const flags = [
    doc.localDeleted ? 'D' : '',
    doc.syncPending ? 'P' : '',
    doc.syncDeadLetter ? 'L' : '',
    doc.syncStale ? 'S' : '',
  ];
  return `${doc.id}@${doc.syncRev}${flags.join('')}`;
}
