/**
 * How long a client may take. Without these, a client sending its headers or body at a byte a
 * second holds a socket (and its memory) for as long as it likes; a few hundred of them exhaust
 * the server. docs/server.md lists the variables that set them.
 */
import type { ServerOptions } from 'node:http';

export interface ServerTimeouts {
  /** Headers and body must have arrived within this; else `408` and the socket is closed. */
  readonly requestMs: number;
  /** The headers alone must have arrived within this (at most `requestMs`). */
  readonly headersMs: number;
  /** An idle kept-alive connection is closed after this (keep it above a load balancer's). */
  readonly keepAliveMs: number;
  /** A socket with no traffic either way for this long is destroyed (e.g. a client not reading). */
  readonly idleMs: number;
}

/**
 * A push is at most 5 MB (BODY_LIMIT): a minute is 700 kbit/s. 72 s keep-alive is Fastify's own
 * default, above the 60 s idle timeout of common load balancers. Idle must not cut a kept-alive
 * connection before the keep-alive timeout does.
 */
export const DEFAULT_TIMEOUTS: ServerTimeouts = {
  requestMs: 60_000,
  headersMs: 10_000,
  keepAliveMs: 72_000,
  idleMs: 120_000,
};

/** The request and headers timeouts are enforced by a sweep; Node's default sweep is every 30 s. */
function sweepIntervalMs(timeouts: ServerTimeouts): number {
  const shortest = Math.min(timeouts.headersMs, timeouts.requestMs);
  // A quarter of the shortest: a slow client is cut within 1.25 times its timeout.
  return Math.max(10, Math.min(30_000, Math.floor(shortest / 4)));
}

/** The Fastify options that apply them (the first two on Node's HTTP server itself). */
export function timeoutOptions(timeouts: ServerTimeouts): {
  http: ServerOptions;
  requestTimeout: number;
  keepAliveTimeout: number;
  connectionTimeout: number;
} {
  return {
    http: {
      headersTimeout: timeouts.headersMs,
      requestTimeout: timeouts.requestMs,
      connectionsCheckingInterval: sweepIntervalMs(timeouts),
    },
    requestTimeout: timeouts.requestMs,
    keepAliveTimeout: timeouts.keepAliveMs,
    connectionTimeout: timeouts.idleMs,
  };
}
