/** Login, logout, and the bearer-token check every other API route goes through. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { LoginResponse } from '../../../contract/protocol';
import { sendError } from '../errors';
import { LoginBody } from '../schemas';
import type { Db } from '../store/db';
import {
  countLoginAttempt,
  deleteEndedWindows,
  forgiveLoginAttempt,
  type LoginRateLimit,
} from '../store/login-limits';
import { callerOf } from '../request-context';
import type { SessionCache } from '../store/session-cache';
import { checkCredentials, createSession, revokeSession } from '../store/users';

export interface AuthOptions {
  readonly db: Db;
  /** Shared with the sync routes: a logout here must end the session for them at once. */
  readonly sessions: SessionCache;
  readonly sessionTtlMs: number;
  readonly now: () => number;
  /** Failed logins allowed per window (store/login-limits.ts), or false for no limit. */
  readonly loginRateLimit: LoginRateLimit | false;
}

/** The token of `Authorization: Bearer <token>`, or undefined when the header isn't that. */
export function bearerToken(request: FastifyRequest): string | undefined {
  const match = /^Bearer +([A-Za-z0-9_-]{1,200})$/i.exec(request.headers.authorization ?? '');
  return match?.[1];
}

function unauthorized(reply: FastifyReply, message: string): FastifyReply {
  return sendError(reply.header('www-authenticate', 'Bearer'), 401, message);
}

/**
 * An onRequest hook: sets `request.user`, or answers 401. Unknown, expired and revoked tokens get
 * the same message, so a caller learns nothing about which it was. A session checked within the
 * last few seconds costs no query (store/session-cache.ts).
 */
export function authenticate(sessions: SessionCache) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const token = bearerToken(request);
    if (!token) {
      await unauthorized(reply, 'missing bearer token: send Authorization: Bearer <token>');
      return;
    }
    const user = await sessions.find(token);
    if (!user) {
      await unauthorized(reply, 'invalid or expired session: log in again');
      return;
    }
    request.user = user;
  };
}

export async function authRoutes(app: FastifyInstance, options: AuthOptions): Promise<void> {
  const { db, now, loginRateLimit, sessions } = options;
  let prunedAt = 0;

  /**
   * Counts the attempt before any scrypt work, so a throttled caller costs one query. Behind a
   * proxy, `request.ip` is the client's address only when TRUST_PROXY is set; otherwise every
   * client shares the proxy's budget.
   */
  const countAttempt = async (request: FastifyRequest<{ Body: LoginBody }>) => {
    if (!loginRateLimit) return undefined;
    const at = now();
    if (at - prunedAt > loginRateLimit.windowMs) {
      prunedAt = at;
      await deleteEndedWindows(db, at);
    }
    return countLoginAttempt(db, loginRateLimit, request.ip, request.body.username, at);
  };

  app.post<{ Body: LoginBody }>(
    '/login',
    { schema: { body: LoginBody } },
    async (request, reply) => {
      const { username, password } = request.body;
      // The username, so an attack on one account can be traced; the address is in the
      // request's own log line (same reqId) but repeated here for a grep.
      const who = { username, remoteAddress: request.ip };
      const attempt = await countAttempt(request);
      if (attempt && !attempt.allowed) {
        const seconds = attempt.retryAfterSeconds;
        request.log.warn({ ...who, retryAfterSeconds: seconds }, 'login throttled');
        return sendError(
          reply.header('retry-after', String(seconds)),
          429,
          `too many login attempts: try again in ${seconds} s`,
        );
      }
      const user = await checkCredentials(db, username, password);
      if (!user) {
        request.log.warn(who, 'login failed');
        return unauthorized(reply, 'unknown username or wrong password');
      }
      if (attempt) await forgiveLoginAttempt(db, attempt);
      const session = await createSession(db, user.id, now(), options.sessionTtlMs);
      const body: LoginResponse = { token: session.token, expiresAt: session.expiresAt, user };
      return body;
    },
  );

  app.post('/logout', { onRequest: authenticate(sessions) }, async (request, reply) => {
    const token = bearerToken(request);
    // The hook just accepted this token; a false here is a concurrent logout, same outcome.
    if (token) {
      await revokeSession(db, token, now());
      sessions.forget(token);
    }
    return reply.code(204).send();
  });

  // Who the token belongs to. Also the floor the bench compares a no-op pull with: an
  // authenticated route that does nothing else.
  app.get('/me', { onRequest: authenticate(sessions) }, async (request) => callerOf(request));
}
