/**
 * A device's storage that can "lose power" between two writes: the memory storage keeps its data
 * when a database is closed (it lives in the storage object), so a crash is a write that never
 * happens, the database thrown away, and a new one opened on the same storage.
 */
import type { RxStorage, RxStorageInstance } from 'rxdb';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';

/** Thrown by the write the crash stops; everything after it on that device is dead. */
export class DeviceCrash extends Error {
  override readonly name = 'DeviceCrash';
}

export interface CrashSwitch {
  /** Writes still allowed before the crash; null: no crash armed. */
  writesLeft: number | null;
  /** Set once the crash happened, until the device is reopened. */
  crashed: boolean;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyStorage = RxStorage<any, any>;

export function crashableMemoryStorage(crash: CrashSwitch): AnyStorage {
  const memory = getRxStorageMemory();
  return {
    ...memory,
    name: memory.name,
    rxdbVersion: memory.rxdbVersion,
    async createStorageInstance(params) {
      const instance = await memory.createStorageInstance(params);
      return guard(instance, crash);
    },
  };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function guard(instance: RxStorageInstance<any, any, any>, crash: CrashSwitch) {
  return new Proxy(instance, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (property !== 'bulkWrite' || typeof value !== 'function') {
        return typeof value === 'function' ? value.bind(target) : value;
      }
      return (...args: unknown[]) => {
        if (crash.crashed) return Promise.reject(new DeviceCrash('device is down'));
        if (crash.writesLeft !== null) {
          if (crash.writesLeft === 0) {
            crash.crashed = true;
            crash.writesLeft = null;
            return Promise.reject(new DeviceCrash('device crashed before this write'));
          }
          crash.writesLeft--;
        }
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}
