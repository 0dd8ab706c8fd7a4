import { createFeature, createReducer, createSelector, on } from '@ngrx/store';
import {
  AuthApiActions,
  AuthSessionActions,
  LoginPageActions,
  LogoutWarningActions,
  UserMenuActions,
} from './auth.actions';
import type { Session } from './session';

export interface AuthState {
  readonly session: Session | null;
  /** A login or logout request is on its way. */
  readonly pending: boolean;
  /** Shown on the login page: a failed login or the reason the session ended. */
  readonly message: string | null;
}

export const initialAuthState: AuthState = { session: null, pending: false, message: null };

export const authFeature = createFeature({
  name: 'auth',
  reducer: createReducer(
    initialAuthState,
    on(AuthSessionActions.restored, (state, { session }): AuthState => ({ ...state, session })),
    on(LoginPageActions.logIn, (state): AuthState => ({ ...state, pending: true, message: null })),
    on(AuthApiActions.loginSucceeded, (_state, { session }): AuthState => ({
      session,
      pending: false,
      message: null,
    })),
    on(AuthApiActions.loginFailed, (state, { message }): AuthState => ({
      ...state,
      pending: false,
      message,
    })),
    on(UserMenuActions.logOut, (state): AuthState => ({ ...state, pending: true })),
    // The user chose to stay after the unsynced-changes warning.
    on(LogoutWarningActions.syncFirst, LogoutWarningActions.cancelled, (state): AuthState => ({
      ...state,
      pending: false,
    })),
    on(AuthApiActions.logoutCompleted, (): AuthState => initialAuthState),
    on(AuthSessionActions.ended, (_state, { message }): AuthState => ({
      ...initialAuthState,
      message,
    })),
  ),
  extraSelectors: ({ selectSession }) => ({
    selectUser: createSelector(selectSession, (session) => session?.user ?? null),
    selectToken: createSelector(selectSession, (session) => session?.token ?? null),
    selectIsLoggedIn: createSelector(selectSession, (session) => session !== null),
  }),
});

export const {
  selectSession,
  selectPending,
  selectMessage,
  selectUser,
  selectToken,
  selectIsLoggedIn,
} = authFeature;
