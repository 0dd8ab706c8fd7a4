/**
 * The request log: one JSON line per request received and completed (pino, through Fastify),
 * with what an operator needs to follow a request across instances and nothing that would turn
 * the log into a credential store. Fastify's own serializers already leave headers and bodies
 * out; these make that explicit, drop query strings (the API takes none, so one is at best noise
 * and at worst a token pasted into a URL), and redact by name whatever a handler logs by mistake.
 */
import type { FastifyRequest } from 'fastify';

/** Anything pino can write lines to: a stream, or a `{ write }` object in tests. */
export interface LogDestination {
  write(line: string): void;
}

/** Field names that never reach a log line, wherever they appear (two levels deep). */
const REDACTED = [
  'password',
  'token',
  'authorization',
  'cookie',
  '*.password',
  '*.token',
  '*.authorization',
  '*.cookie',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
];

function pathOnly(url: string): string {
  const query = url.indexOf('?');
  return query < 0 ? url : `${url.slice(0, query)}?…`;
}

/** What a request is, in its log lines. No headers, no body, no query string. */
function serializeRequest(request: FastifyRequest) {
  return {
    method: request.method,
    url: pathOnly(request.url),
    remoteAddress: request.ip,
    // Behind a load balancer this tells the instances' lines apart from the clients'.
    host: request.host,
  };
}

export function loggerOptions(level: string, stream: LogDestination | undefined) {
  return {
    level,
    redact: { paths: REDACTED, censor: '[redacted]' },
    serializers: { req: serializeRequest },
    ...(stream ? { stream } : {}),
  };
}
