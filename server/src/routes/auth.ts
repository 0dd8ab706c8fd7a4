/** Login, logout, and the bearer-token check every other API route goes through. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { LoginResponse } from '../../../contract/protocol';
import { sendError } from '../errors';
import { LoginBody } from '../schemas';
import type { Db } from '../store/db';
import { countLoginAttempt, deleteEndedWindows, type LoginRateLimit } from '../store/login-limits';
import { callerOf } from '../request-context';
import type { SessionCache } from '../store/session-cache';
import { checkCredentials, createSession, revokeSession } from '../store/users';

export interface AuthOptions {
  readonly db: Db;
  /** Shared with the sync routes: a logout here must end the session for them at once. */
  readonly sessions: SessionCache;
  readonly sessionTtlMs: number;
  readonly now: () => number;
  /** Login attempts per client address and per username and window, or false for no limit. */
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
   * Runs after the body was validated (the username key needs it) and before any scrypt work,
   * so a limited caller costs one query. Behind a proxy, `request.ip` is the client's address
   * only when TRUST_PROXY is set; otherwise every client shares the proxy's budget.
   */
  const limitLogins = async (
    request: FastifyRequest<{ Body: LoginBody }>,
    reply: FastifyReply,
  ): Promise<void> => {
    if (!loginRateLimit) return;
    const at = now();
    if (at - prunedAt > loginRateLimit.windowMs) {
      prunedAt = at;
      await deleteEndedWindows(db, at);
    }
    const verdict = await countLoginAttempt(
      db,
      loginRateLimit,
      request.ip,
      request.body.username,
      at,
    );
    if (verdict.allowed) return;
    request.log.warn({ retryAfterSeconds: verdict.retryAfterSeconds }, 'login rate limited');
    const seconds = verdict.retryAfterSeconds;
    await sendError(
      reply.header('retry-after', String(seconds)),
      429,
      `too many login attempts: try again in ${seconds} s`,
    );
  };

  app.post<{ Body: LoginBody }>(
    '/login',
    { schema: { body: LoginBody }, preHandler: limitLogins },
    async (request, reply) => {
      const { username, password } = request.body;
      const user = await checkCredentials(db, username, password);
      if (!user) return unauthorized(reply, 'unknown username or wrong password');
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
