import {
  AuthApiActions,
  AuthSessionActions,
  LoginPageActions,
  LogoutWarningActions,
  UserMenuActions,
} from './auth.actions';
import {
  authFeature,
  initialAuthState,
  selectIsLoggedIn,
  selectToken,
  selectUser,
} from './auth.feature';
import { ALICE_SESSION } from './session.spec';

const { reducer } = authFeature;

describe('auth feature', () => {
  it('restores a persisted session', () => {
    const state = reducer(
      initialAuthState,
      AuthSessionActions.restored({ session: ALICE_SESSION }),
    );
    expect(state.session).toEqual(ALICE_SESSION);
  });

  it('is pending while logging in and clears an old message', () => {
    const failed = { ...initialAuthState, message: 'Wrong username or password.' };
    const state = reducer(failed, LoginPageActions.logIn({ username: 'alice', password: 'x' }));
    expect(state).toEqual({ session: null, pending: true, message: null });
  });

  it('keeps the session on success and the message on failure', () => {
    const pending = { ...initialAuthState, pending: true };
    expect(reducer(pending, AuthApiActions.loginSucceeded({ session: ALICE_SESSION }))).toEqual({
      session: ALICE_SESSION,
      pending: false,
      message: null,
    });
    expect(reducer(pending, AuthApiActions.loginFailed({ message: 'No.' }))).toEqual({
      session: null,
      pending: false,
      message: 'No.',
    });
  });

  it('forgets the session on logout, and says why when the server ended it', () => {
    const loggedIn = { ...initialAuthState, session: ALICE_SESSION };
    const loggingOut = reducer(loggedIn, UserMenuActions.logOut());
    expect(loggingOut.pending).toBeTrue();
    expect(reducer(loggingOut, AuthApiActions.logoutCompleted())).toEqual(initialAuthState);
    expect(reducer(loggedIn, AuthSessionActions.ended({ message: 'Ended.' }))).toEqual({
      session: null,
      pending: false,
      message: 'Ended.',
    });
  });

  it('stays logged in, and not pending, when the user chose to sync first or cancel', () => {
    const loggedIn = { ...initialAuthState, session: ALICE_SESSION };
    const asking = reducer(loggedIn, UserMenuActions.logOut());
    for (const choice of [LogoutWarningActions.syncFirst(), LogoutWarningActions.cancelled()]) {
      expect(reducer(asking, choice)).toEqual(loggedIn);
    }
  });

  it('derives user, token and logged-in flag from the session', () => {
    expect(selectUser.projector(ALICE_SESSION)).toEqual(ALICE_SESSION.user);
    expect(selectToken.projector(ALICE_SESSION)).toBe('token-alice');
    expect(selectIsLoggedIn.projector(ALICE_SESSION)).toBeTrue();
    expect(selectUser.projector(null)).toBeNull();
    expect(selectToken.projector(null)).toBeNull();
    expect(selectIsLoggedIn.projector(null)).toBeFalse();
  });
});
