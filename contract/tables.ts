/**
 * The table registry: the one declaration of every sync table. The local database builds its
 * collections from it, the engine and the initial-sync gate walk it, and the server validates
 * requests and seeds demo data from it. Adding a table here is what makes
 * the initial-sync gate open for that table (and only that one) on the next start.
 *
 * Pure TypeScript with no imports, so both the Angular app and the Node server can read it.
 */

/** `master`: owned by the server, read-only on the client. `transactional`: edited on the client. */
export type TableKind = 'master' | 'transactional';

export type FieldType = 'string' | 'number' | 'boolean';

export interface FieldSpec {
  readonly type: FieldType;
  /** Required on every record; a push without it is rejected. */
  readonly required: boolean;
  /** For strings: the longest value the server accepts (and the local index width). */
  readonly maxLength?: number;
  /** For strings: the only values accepted. */
  readonly enum?: readonly string[];
  /** For numbers: the smallest value accepted. */
  readonly minimum?: number;
  /** For strings that name a record of another table (e.g. a line's work order). */
  readonly references?: TableName;
}

export interface TableSpec {
  readonly name: TableName;
  /** What users see, e.g. in the initial-sync dialog. */
  readonly label: string;
  readonly kind: TableKind;
  /** Bumped when the record shape changes; the local database migrates on a bump. */
  readonly schemaVersion: number;
  /** The record's own fields, besides `id` and the sync metadata. */
  readonly fields: Readonly<Record<string, FieldSpec>>;
}

export const TABLE_NAMES = ['customers', 'products', 'workOrders', 'workOrderLines'] as const;
export type TableName = (typeof TABLE_NAMES)[number];

export const WORK_ORDER_STATUSES = ['open', 'inProgress', 'done', 'cancelled'] as const;
export type WorkOrderStatus = (typeof WORK_ORDER_STATUSES)[number];

/** Record ids are client-generated for transactional tables, so they must fit an index. */
export const ID_MAX_LENGTH = 64;

const text = (maxLength: number, required = true): FieldSpec => ({
  type: 'string',
  required,
  maxLength,
});

/**
 * Order matters: it is the order the initial sync pulls in, and referenced tables come first, so
 * a work order's customer is local before the work order is.
 */
export const SYNC_TABLES: readonly TableSpec[] = [
  {
    name: 'customers',
    label: 'Customers',
    kind: 'master',
    schemaVersion: 0,
    fields: {
      name: text(200),
      email: text(200),
      phone: text(50),
      city: text(100),
      address: text(300),
    },
  },
  {
    name: 'products',
    label: 'Products',
    kind: 'master',
    schemaVersion: 0,
    fields: {
      sku: text(50),
      name: text(200),
      unit: text(20),
      unitPrice: { type: 'number', required: true, minimum: 0 },
    },
  },
  {
    name: 'workOrders',
    label: 'Work orders',
    kind: 'transactional',
    schemaVersion: 0,
    fields: {
      title: text(200),
      customerId: { ...text(ID_MAX_LENGTH), references: 'customers' },
      status: { type: 'string', required: true, enum: WORK_ORDER_STATUSES },
      scheduledFor: text(10, false),
      notes: text(2000, false),
    },
  },
  {
    name: 'workOrderLines',
    label: 'Work order lines',
    kind: 'transactional',
    schemaVersion: 0,
    fields: {
      workOrderId: { ...text(ID_MAX_LENGTH), references: 'workOrders' },
      productId: { ...text(ID_MAX_LENGTH), references: 'products' },
      quantity: { type: 'number', required: true, minimum: 0 },
      note: text(500, false),
    },
  },
];

export function isTableName(value: unknown): value is TableName {
  return typeof value === 'string' && (TABLE_NAMES as readonly string[]).includes(value);
}

export function tableSpec(name: TableName): TableSpec {
  const spec = SYNC_TABLES.find((table) => table.name === name);
  if (!spec) throw new Error(`Unknown sync table "${name}"`);
  return spec;
}

export function tablesOfKind(kind: TableKind): readonly TableSpec[] {
  return SYNC_TABLES.filter((table) => table.kind === kind);
}

/** The record shapes the registry describes, for typed code on both sides. */
export interface Customer {
  id: string;
  name: string;
  email: string;
  phone: string;
  city: string;
  address: string;
}

export interface Product {
  id: string;
  sku: string;
  name: string;
  unit: string;
  unitPrice: number;
}

export interface WorkOrder {
  id: string;
  title: string;
  customerId: string;
  status: WorkOrderStatus;
  scheduledFor?: string;
  notes?: string;
}

export interface WorkOrderLine {
  id: string;
  workOrderId: string;
  productId: string;
  quantity: number;
  note?: string;
}

export interface TableRecordMap {
  customers: Customer;
  products: Product;
  workOrders: WorkOrder;
  workOrderLines: WorkOrderLine;
}

/** A field name as problems quote it: an unknown one may be as long as the request allows. */
export function shortFieldName(name: string): string {
  return name.length > 60 ? `${name.slice(0, 60)}…` : name;
}

/** Validates one record's fields against the registry; returns problems, empty when valid. */
export function validateRecord(table: TableName, data: unknown): string[] {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return ['record must be an object'];
  }
  const record = data as Record<string, unknown>;
  const problems: string[] = [];
  const { fields } = tableSpec(table);
  // Own properties only, on both sides: `key in fields` is true for "toString" or "constructor",
  // which would let a field of any shape and size through unchecked.
  for (const key of Object.keys(record)) {
    if (key !== 'id' && !Object.hasOwn(fields, key)) {
      problems.push(`unknown field "${shortFieldName(key)}"`);
    }
  }
  for (const [key, field] of Object.entries(fields)) {
    const value = Object.hasOwn(record, key) ? record[key] : undefined;
    if (value === undefined || value === null) {
      if (field.required) problems.push(`"${key}" is required`);
      continue;
    }
    if (typeof value !== field.type) {
      problems.push(`"${key}" must be a ${field.type}`);
      continue;
    }
    if (typeof value === 'string') {
      if (field.required && value.trim() === '') problems.push(`"${key}" must not be empty`);
      if (field.maxLength !== undefined && value.length > field.maxLength) {
        problems.push(`"${key}" must be at most ${field.maxLength} characters`);
      }
      if (field.enum && !field.enum.includes(value)) {
        problems.push(`"${key}" must be one of ${field.enum.join(', ')}`);
      }
    }
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) problems.push(`"${key}" must be a finite number`);
      else if (field.minimum !== undefined && value < field.minimum) {
        problems.push(`"${key}" must be at least ${field.minimum}`);
      }
    }
  }
  return problems;
}
