// Marble-testing kit for the sync engine: fake ports and a coordinator testbed (framework-free).
export {
  createFakeSyncPorts,
  otherTabHolds,
  type FakePhasesConfig,
  type FakeSyncPhases,
  type FakeSyncPorts,
  type PerRun,
  type PhaseCall,
} from './fake-sync-ports';
export {
  createSyncTestbed,
  outcomeLetter,
  PHASE_LETTERS,
  TRIGGER_LETTERS,
  type SyncTestbed,
  type SyncTestbedConfig,
  type TriggerLetter,
} from './sync-testbed';
export { FakeSyncApi } from './fake-sync-api';
export {
  provideSyncTesting,
  TestSyncEngine,
  type SyncTestingOptions,
} from './provide-sync-testing';
export {
  conflictResult,
  provideTestLocalDb,
  removeTestLocalDb,
  serverLine,
  serverWorkOrder,
  TEST_EPOCH,
  tombstone,
} from '../local/local-db.testing';
export { FakeSyncBrowser } from './fake-browser';
