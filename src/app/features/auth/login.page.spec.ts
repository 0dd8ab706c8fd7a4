import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatFormFieldHarness } from '@angular/material/form-field/testing';
import { MatInputHarness } from '@angular/material/input/testing';
import { MockStore, provideMockStore } from '@ngrx/store/testing';
import { LoginPageActions } from './auth.actions';
import { initialAuthState } from './auth.feature';
import { LoginPage } from './login.page';

describe('LoginPage', () => {
  let store: MockStore;

  async function render(state = initialAuthState) {
    TestBed.configureTestingModule({
      imports: [LoginPage],
      providers: [provideMockStore({ initialState: { auth: state } })],
    });
    store = TestBed.inject(MockStore);
    spyOn(store, 'dispatch');
    const fixture = TestBed.createComponent(LoginPage);
    await fixture.whenStable();
    return { fixture, loader: TestbedHarnessEnvironment.loader(fixture) };
  }

  it('dispatches the login with the typed credentials', async () => {
    const { loader } = await render();
    const [username, password] = await loader.getAllHarnesses(MatInputHarness);
    await username.setValue(' alice ');
    await password.setValue('alice-demo-pass');
    await (await loader.getHarness(MatButtonHarness.with({ text: 'Log in' }))).click();
    expect(store.dispatch).toHaveBeenCalledOnceWith(
      LoginPageActions.logIn({ username: 'alice', password: 'alice-demo-pass' }),
    );
  });

  it('asks for both fields instead of sending an empty login', async () => {
    const { loader } = await render();
    await (await loader.getHarness(MatButtonHarness.with({ text: 'Log in' }))).click();
    expect(store.dispatch).not.toHaveBeenCalled();
    const fields = await loader.getAllHarnesses(MatFormFieldHarness);
    expect(await fields[0].getTextErrors()).toEqual(['Enter your username.']);
    expect(await fields[1].getTextErrors()).toEqual(['Enter your password.']);
  });

  it('shows why the last login failed or the session ended', async () => {
    const { fixture } = await render({
      ...initialAuthState,
      message: 'Wrong username or password.',
    });
    const alert = (fixture.nativeElement as HTMLElement).querySelector('[role="alert"]');
    expect(alert?.textContent?.trim()).toBe('Wrong username or password.');
  });

  it('disables the button while a login is on its way', async () => {
    const { loader } = await render({ ...initialAuthState, pending: true });
    const button = await loader.getHarness(MatButtonHarness.with({ text: 'Log in' }));
    expect(await button.isDisabled()).toBeTrue();
  });

  it('labels its fields "Username" and "Password"', async () => {
    const { loader } = await render();
    const fields = await loader.getAllHarnesses(MatFormFieldHarness);
    expect(await Promise.all(fields.map((field) => field.getLabel()))).toEqual([
      'Username',
      'Password',
    ]);
  });
});
