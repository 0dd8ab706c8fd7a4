/**
 * Request schemas, checked by Fastify's ajv before a handler runs. They check the envelope only:
 * a record's fields are checked per change by the registry's validateRecord, so one bad record
 * is a `rejected` outcome instead of failing the whole push.
 */
import { Type, type Static } from '@sinclair/typebox';
import {
  MAX_PULL_LIMIT,
  MAX_PUSH_BATCH,
  MAX_RECORDS_IDS,
  type Checkpoint,
} from '../../contract/protocol';
import { ID_MAX_LENGTH, SYNC_TABLES, TABLE_NAMES, type TableName } from '../../contract/tables';

/** Plain `enum` rather than a union of literals: ajv then names the allowed values. */
const TableNameSchema = Type.Unsafe<TableName>({ type: 'string', enum: [...TABLE_NAMES] });

/**
 * No control characters: PostgreSQL text cannot hold U+0000, and ids end up in URLs and logs. No
 * unpaired surrogate either (ajv matches with the `u` flag, so a pair is one code point): jsonb
 * refuses one in the remembered result, which would fail the whole push.
 */
const PRINTABLE = '^[^\\u0000-\\u001f\\ud800-\\udfff]+$';

const RecordId = Type.String({ minLength: 1, maxLength: ID_MAX_LENGTH, pattern: PRINTABLE });

const ChangeId = Type.String({ minLength: 1, maxLength: 100, pattern: PRINTABLE });

/** A record's fields, checked per change by the registry rather than here. */
const Fields = Type.Unsafe<Record<string, unknown> | null>({ type: ['object', 'null'] });

const CheckpointSchema = Type.Unsafe<Checkpoint>({ type: ['string', 'null'], maxLength: 40 });

export const LoginBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 100, pattern: PRINTABLE }),
    password: Type.String({ minLength: 1, maxLength: 1000 }),
  },
  { additionalProperties: false },
);
export type LoginBody = Static<typeof LoginBody>;

export const PullBody = Type.Object(
  {
    // Duplicates are refused by the handler, so at most one entry per table fits anyway.
    tables: Type.Array(
      Type.Object(
        { table: TableNameSchema, checkpoint: CheckpointSchema },
        { additionalProperties: false },
      ),
      { maxItems: SYNC_TABLES.length },
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PULL_LIMIT })),
  },
  { additionalProperties: false },
);
export type PullBody = Static<typeof PullBody>;

export const PushBody = Type.Object(
  {
    changes: Type.Array(
      Type.Object(
        {
          table: TableNameSchema,
          id: RecordId,
          changeId: ChangeId,
          baseRev: Type.Unsafe<number | null>({ type: ['integer', 'null'], minimum: 0 }),
          base: Type.Optional(Fields),
          // Not capped at MAX_PRIOR_CHANGE_IDS: the server reads the newest that many, and a
          // longer list must not fail the whole batch (the body limit bounds it anyway).
          priorChangeIds: Type.Optional(Type.Array(ChangeId)),
          deleted: Type.Boolean(),
          data: Fields,
        },
        { additionalProperties: false },
      ),
      { maxItems: MAX_PUSH_BATCH },
    ),
  },
  { additionalProperties: false },
);
export type PushBody = Static<typeof PushBody>;

export const RecordsBody = Type.Object(
  {
    table: TableNameSchema,
    ids: Type.Array(RecordId, { minItems: 1, maxItems: MAX_RECORDS_IDS }),
  },
  { additionalProperties: false },
);
export type RecordsBody = Static<typeof RecordsBody>;

const Count = Type.Integer({ minimum: 1, maximum: 1_000_000 });

export const FaultSpecSchema = Type.Union([
  Type.Object(
    {
      mode: Type.Literal('fail'),
      status: Type.Integer({ minimum: 400, maximum: 599 }),
      count: Count,
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      mode: Type.Literal('delay'),
      ms: Type.Integer({ minimum: 0, maximum: 120_000 }),
      count: Count,
    },
    { additionalProperties: false },
  ),
  Type.Object({ mode: Type.Literal('drop'), count: Count }, { additionalProperties: false }),
]);

export const FaultsBody = Type.Union([
  FaultSpecSchema,
  Type.Array(FaultSpecSchema, { minItems: 1, maxItems: 100 }),
]);
export type FaultsBody = Static<typeof FaultsBody>;

export const SeedBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 100, pattern: PRINTABLE }),
    table: TableNameSchema,
    count: Type.Integer({ minimum: 1, maximum: 50_000 }),
  },
  { additionalProperties: false },
);
export type SeedBody = Static<typeof SeedBody>;

const SeedSize = Type.Integer({ minimum: 0, maximum: 100_000 });

/** All optional: `{}` re-seeds the configured demo, `{demo:false}` only the users. */
export const ResetBody = Type.Object(
  {
    demo: Type.Optional(Type.Boolean()),
    counts: Type.Optional(
      Type.Object(
        {
          customers: Type.Optional(SeedSize),
          products: Type.Optional(SeedSize),
          workOrders: Type.Optional(SeedSize),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type ResetBody = Static<typeof ResetBody>;

export const RejectBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 100, pattern: PRINTABLE }),
    table: TableNameSchema,
    id: RecordId,
    count: Count,
  },
  { additionalProperties: false },
);
export type RejectBody = Static<typeof RejectBody>;
