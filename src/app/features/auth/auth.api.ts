import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { map, type Observable } from 'rxjs';
import type { LoginRequest, LoginResponse } from '../../../../contract/protocol';
import { sessionFromLogin, type Session } from './session';

/** The server's auth endpoints (see docs/protocol.md). */
@Injectable({ providedIn: 'root' })
export class AuthApi {
  private readonly http = inject(HttpClient);

  logIn(username: string, password: string): Observable<Session> {
    const body: LoginRequest = { username, password };
    return this.http.post<LoginResponse>('/api/auth/login', body).pipe(map(sessionFromLogin));
  }

  /** Revokes the current token on the server (the interceptor adds it). */
  logOut(): Observable<void> {
    return this.http.post<void>('/api/auth/logout', null);
  }
}
