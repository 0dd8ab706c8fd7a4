/**
 * The bad requests of bad-input.test.ts for pull, push and login: each with the status and the
 * message it must get. (The records endpoint's are beside the test.)
 */
import { MAX_PUSH_BATCH } from '../../contract/protocol';
import { change, workOrder } from './helpers';

export interface Case {
  name: string;
  url: '/api/sync/pull' | '/api/sync/push' | '/api/sync/records' | '/api/auth/login';
  body?: unknown;
  rawBody?: string;
  contentType?: string;
  status: number;
  message: RegExp;
}

export const pullOf = (tables: unknown, extra: object = {}) => ({ tables, ...extra });
export const pushOf = (changes: unknown, extra: object = {}) => ({ changes, ...extra });
export const valid = () => change('workOrders', 'wo-bad-input', workOrder());

export const CASES: Case[] = [
  {
    name: 'malformed JSON',
    url: '/api/sync/pull',
    rawBody: '{"tables": [',
    status: 400,
    message: /not valid JSON/,
  },
  {
    name: 'an empty JSON body',
    url: '/api/sync/push',
    rawBody: '',
    status: 400,
    message: /empty/i,
  },
  {
    name: 'plain text',
    url: '/api/sync/push',
    rawBody: 'changes',
    contentType: 'text/plain',
    status: 415,
    message: /^unsupported content-type "text\/plain": send application\/json$/,
  },
  {
    name: 'an unsupported content type',
    url: '/api/sync/push',
    rawBody: '<changes/>',
    contentType: 'application/xml',
    status: 415,
    message: /content-type/i,
  },
  {
    name: 'tables not an array',
    url: '/api/sync/pull',
    body: pullOf('customers'),
    status: 400,
    message: /^body\/tables must be array$/,
  },
  {
    name: 'limit as a string',
    url: '/api/sync/pull',
    body: pullOf([], { limit: '10' }),
    status: 400,
    message: /^body\/limit must be integer$/,
  },
  {
    name: 'limit 0',
    url: '/api/sync/pull',
    body: pullOf([], { limit: 0 }),
    status: 400,
    message: /^body\/limit must be >= 1$/,
  },
  {
    name: 'limit above 5000',
    url: '/api/sync/pull',
    body: pullOf([], { limit: 5001 }),
    status: 400,
    message: /^body\/limit must be <= 5000$/,
  },
  {
    name: 'a fractional limit',
    url: '/api/sync/pull',
    body: pullOf([], { limit: 1.5 }),
    status: 400,
    message: /integer/,
  },
  {
    name: 'an unknown pull table',
    url: '/api/sync/pull',
    body: pullOf([{ table: 'invoices', checkpoint: null }]),
    status: 400,
    message:
      /^body\/tables\/0\/table must be one of: customers, products, workOrders, workOrderLines$/,
  },
  {
    name: 'a duplicate pull table',
    url: '/api/sync/pull',
    body: pullOf([
      { table: 'products', checkpoint: null },
      { table: 'products', checkpoint: null },
    ]),
    status: 400,
    message: /listed twice/,
  },
  {
    name: 'a checkpoint that is not r:<rev>',
    url: '/api/sync/pull',
    body: pullOf([{ table: 'products', checkpoint: '42' }]),
    status: 400,
    message: /malformed checkpoint "42"/,
  },
  {
    name: 'a negative checkpoint',
    url: '/api/sync/pull',
    body: pullOf([{ table: 'products', checkpoint: 'r:-1' }]),
    status: 400,
    message: /malformed checkpoint/,
  },
  {
    name: 'a numeric checkpoint',
    url: '/api/sync/pull',
    body: pullOf([{ table: 'products', checkpoint: 7 }]),
    status: 400,
    message: /checkpoint must be string,null/,
  },
  {
    name: 'a missing checkpoint',
    url: '/api/sync/pull',
    body: pullOf([{ table: 'products' }]),
    status: 400,
    message: /missing the property "checkpoint"/,
  },
  {
    name: 'an unknown envelope field (pull)',
    url: '/api/sync/pull',
    body: pullOf([], { since: 1 }),
    status: 400,
    message: /unknown property "since"/,
  },
  {
    name: 'an unknown envelope field (table entry)',
    url: '/api/sync/pull',
    body: pullOf([{ table: 'products', checkpoint: null, x: 1 }]),
    status: 400,
    message: /unknown property "x"/,
  },
  {
    name: 'changes not an array',
    url: '/api/sync/push',
    body: pushOf({}),
    status: 400,
    message: /^body\/changes must be array$/,
  },
  {
    name: 'an unknown push table',
    url: '/api/sync/push',
    body: pushOf([{ ...valid(), table: 'invoices' }]),
    status: 400,
    message: /must be one of/,
  },
  {
    name: 'baseRev as a string',
    url: '/api/sync/push',
    body: pushOf([{ ...valid(), baseRev: '3' }]),
    status: 400,
    message: /baseRev must be integer,null/,
  },
  {
    name: 'a negative baseRev',
    url: '/api/sync/push',
    body: pushOf([{ ...valid(), baseRev: -1 }]),
    status: 400,
    message: /baseRev must be >= 0/,
  },
  {
    name: 'deleted as a string',
    url: '/api/sync/push',
    body: pushOf([{ ...valid(), deleted: 'false' }]),
    status: 400,
    message: /deleted must be boolean/,
  },
  {
    name: 'data as an array',
    url: '/api/sync/push',
    body: pushOf([{ ...valid(), data: [1] }]),
    status: 400,
    message: /data must be object,null/,
  },
  {
    name: 'a missing changeId',
    url: '/api/sync/push',
    body: pushOf([{ ...valid(), changeId: undefined }]),
    status: 400,
    message: /missing the property "changeId"/,
  },
  {
    name: 'an empty id',
    url: '/api/sync/push',
    body: pushOf([{ ...valid(), id: '' }]),
    status: 400,
    message: /id must NOT have fewer than 1 characters/,
  },
  {
    name: 'an id over 64 characters',
    url: '/api/sync/push',
    body: pushOf([{ ...valid(), id: 'x'.repeat(65) }]),
    status: 400,
    message: /more than 64/,
  },
  {
    name: 'a NUL in an id',
    url: '/api/sync/push',
    body: pushOf([{ ...valid(), id: 'a\u0000b' }]),
    status: 400,
    message: /must match pattern/,
  },
  {
    name: 'an unknown envelope field (change)',
    url: '/api/sync/push',
    body: pushOf([{ ...valid(), rev: 3 }]),
    status: 400,
    message: /unknown property "rev"/,
  },
  {
    name: 'an unknown envelope field (push)',
    url: '/api/sync/push',
    body: pushOf([], { force: true }),
    status: 400,
    message: /unknown property "force"/,
  },
  {
    name: `more than ${MAX_PUSH_BATCH} changes`,
    url: '/api/sync/push',
    body: pushOf(Array.from({ length: MAX_PUSH_BATCH + 1 }, valid)),
    status: 400,
    message: /more than 500 items/,
  },
  {
    name: 'base as an array',
    url: '/api/sync/push',
    body: pushOf([{ ...valid(), base: [] }]),
    status: 400,
    message: /base must be object,null/,
  },
  {
    name: 'priorChangeIds not an array',
    url: '/api/sync/push',
    body: pushOf([{ ...valid(), priorChangeIds: 'c-1' }]),
    status: 400,
    message: /priorChangeIds must be array/,
  },
  {
    name: 'an empty prior changeId',
    url: '/api/sync/push',
    body: pushOf([{ ...valid(), priorChangeIds: [''] }]),
    status: 400,
    message: /priorChangeIds\/0 must NOT have fewer than 1 characters/,
  },
  {
    name: 'a NUL in a username',
    url: '/api/auth/login',
    body: { username: 'al\u0000ice', password: 'x' },
    status: 400,
    message: /pattern/,
  },
];
