/**
 * What the server attaches to a request: the authenticated user. Declared once here so every
 * route reads the same typed property.
 */
import type { FastifyRequest } from 'fastify';
import type { SessionUser } from '../../contract/protocol';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the authentication hook of protected routes; null before it ran. */
    user: SessionUser | null;
  }
}

/** The caller of a protected route; the hook guarantees it, this only narrows the type. */
export function callerOf(request: FastifyRequest): SessionUser {
  if (!request.user) throw new Error(`route ${request.url} ran without authentication`);
  return request.user;
}
