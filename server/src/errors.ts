/**
 * One error shape for every 4xx/5xx: `{ statusCode, error, message }`. Client mistakes get a
 * message that says what to fix; anything else is logged and answered with a generic 500, so no
 * stack trace, SQL or driver text ever reaches a client.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import type { ErrorResponse } from '../../contract/protocol';

export function errorBody(statusCode: number, message: string): ErrorResponse {
  return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message };
}

export function sendError(reply: FastifyReply, statusCode: number, message: string): FastifyReply {
  return reply
    .code(statusCode)
    .type('application/json; charset=utf-8')
    .send(errorBody(statusCode, message));
}

interface AjvError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/** ajv's first error, phrased with the path into the request, e.g. `body/tables/0/table ...`. */
function validationMessage(errors: readonly AjvError[], context: string | undefined): string {
  const first = errors[0];
  if (!first) return 'invalid request';
  const where = `${context ?? 'body'}${first.instancePath}`;
  const { params } = first;
  switch (first.keyword) {
    case 'enum':
      return `${where} must be one of: ${(params['allowedValues'] as unknown[]).join(', ')}`;
    case 'additionalProperties':
      return `${where} has an unknown property "${String(params['additionalProperty'])}"`;
    case 'required':
      return `${where} is missing the property "${String(params['missingProperty'])}"`;
    default:
      return `${where} ${first.message ?? 'is invalid'}`;
  }
}

/** PostgreSQL "data exception" codes (class 22): values the database refuses, e.g. U+0000. */
function isDataException(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^22[0-9A-Z]{3}$/.test(code);
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (error.validation) {
      return sendError(reply, 400, validationMessage(error.validation, error.validationContext));
    }
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      const type = request.headers['content-type'] ?? '';
      return sendError(reply, 415, `unsupported content-type "${type}": send application/json`);
    }
    const status = error.statusCode ?? 500;
    // Fastify's own 4xx (unparsable JSON, body too large, bad content type), the rate limit's
    // 429 and the store's ClientError: all written for the caller, safe to pass on.
    if (status >= 400 && status < 500) return sendError(reply, status, error.message);
    if (isDataException(error)) {
      request.log.warn({ err: error }, 'database refused a value from the request');
      return sendError(reply, 400, 'the request contains a value the database cannot store');
    }
    request.log.error({ err: error }, 'unexpected error');
    return sendError(reply, 500, 'unexpected server error');
  });
}
