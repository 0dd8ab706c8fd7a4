import { Injectable, InjectionToken, inject } from '@angular/core';
import type { LoginResponse, SessionUser } from '../../../../contract/protocol';

/** What the app keeps of a login, so a reload stays logged in. */
export interface Session {
  readonly token: string;
  readonly expiresAt: number;
  readonly user: SessionUser;
}

export function sessionFromLogin(response: LoginResponse): Session {
  return { token: response.token, expiresAt: response.expiresAt, user: response.user };
}

/** Where the session is kept; `localStorage` in the app, an in-memory Storage in tests. */
export const SESSION_STORAGE = new InjectionToken<Storage>('SESSION_STORAGE', {
  providedIn: 'root',
  factory: () => localStorage,
});

/** The clock used to tell whether a stored session has expired. */
export const SESSION_CLOCK = new InjectionToken<() => number>('SESSION_CLOCK', {
  providedIn: 'root',
  factory: () => () => Date.now(),
});

const STORAGE_KEY = 'field-sync.session';

/** Reads and writes the persisted session; a broken or expired entry reads as "no session". */
@Injectable({ providedIn: 'root' })
export class SessionPersistence {
  private readonly storage = inject(SESSION_STORAGE);
  private readonly now = inject(SESSION_CLOCK);

  load(): Session | null {
    const raw = this.storage.getItem(STORAGE_KEY);
    if (!raw) return null;
    const session = parseSession(raw);
    if (!session || session.expiresAt <= this.now()) {
      // An unreadable or expired entry can never log anyone in again: drop it.
      this.storage.removeItem(STORAGE_KEY);
      return null;
    }
    return session;
  }

  save(session: Session): void {
    this.storage.setItem(STORAGE_KEY, JSON.stringify(session));
  }

  clear(): void {
    this.storage.removeItem(STORAGE_KEY);
  }
}

function parseSession(raw: string): Session | null {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    // Written by another version or tampered with: treated as logged out, never as an error.
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const candidate = value as Partial<Session>;
  const user = candidate.user as Partial<SessionUser> | undefined;
  const valid =
    typeof candidate.token === 'string' &&
    typeof candidate.expiresAt === 'number' &&
    typeof user?.id === 'string' &&
    typeof user.name === 'string' &&
    typeof user.username === 'string';
  return valid ? (candidate as Session) : null;
}
