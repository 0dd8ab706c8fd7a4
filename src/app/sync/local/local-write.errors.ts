import type { TableName } from '../../../../contract/tables';

/**
 * A local write refused while the initial sync holds writes back: writing before the
 * server's data is local would create records the first full pull can't reconcile.
 */
export class LocalWriteBlockedError extends Error {
  override readonly name = 'LocalWriteBlockedError';

  constructor(readonly table: TableName) {
    super(
      `Changes to "${table}" are not possible yet: the first download of your data has not ` +
        'finished. Try again when it is complete.',
    );
  }
}

/** A local write to a master table: those are owned by the server and read-only here. */
export class ReadOnlyTableError extends Error {
  override readonly name = 'ReadOnlyTableError';

  constructor(readonly table: TableName) {
    super(`"${table}" is master data and read-only on this device.`);
  }
}

/** deleteLocal() of a record that isn't stored (or is already deleted locally). */
export class LocalRecordNotFoundError extends Error {
  override readonly name = 'LocalRecordNotFoundError';

  constructor(
    readonly table: TableName,
    readonly id: string,
  ) {
    super(`No local "${table}" record with id "${id}".`);
  }
}
