import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { TestBed } from '@angular/core/testing';
import { MatMenuHarness } from '@angular/material/menu/testing';
import { provideRouter } from '@angular/router';
import { MockStore, provideMockStore } from '@ngrx/store/testing';
import { UserMenuActions } from '../features/auth/auth.actions';
import { selectUser } from '../features/auth/auth.feature';
import { selectBadgeState, selectGateOpen } from '../sync';
import { Shell } from './shell';

describe('Shell', () => {
  async function render(gateOpen: boolean) {
    TestBed.configureTestingModule({
      imports: [Shell],
      providers: [
        provideRouter([]),
        provideMockStore({
          selectors: [
            {
              selector: selectUser,
              value: { id: 'u1', name: 'Alice Andersen', username: 'alice' },
            },
            { selector: selectGateOpen, value: gateOpen },
            { selector: selectBadgeState, value: 'synced' },
          ],
        }),
      ],
    });
    const fixture = TestBed.createComponent(Shell);
    await fixture.whenStable();
    return { fixture, element: fixture.nativeElement as HTMLElement };
  }

  it('does not render the page while the initial sync runs', async () => {
    const { element } = await render(true);
    expect(element.querySelector('router-outlet')).toBeNull();
    expect(element.querySelector('.gate-note')?.textContent).toContain('Setting up this device');
  });

  it('renders the page once the initial sync is done', async () => {
    const { element } = await render(false);
    expect(element.querySelector('router-outlet')).not.toBeNull();
  });

  it('shows the user and logs out from the user menu', async () => {
    const { fixture, element } = await render(false);
    const dispatch = spyOn(TestBed.inject(MockStore), 'dispatch');
    expect(element.textContent).toContain('Alice Andersen');
    const menu = await TestbedHarnessEnvironment.loader(fixture).getHarness(MatMenuHarness);
    await menu.clickItem({ text: /Log out/ });
    expect(dispatch).toHaveBeenCalledOnceWith(UserMenuActions.logOut());
  });

  it('names the user-menu button by the name it shows, then what it is (WCAG 2.5.3)', async () => {
    const { element } = await render(false);
    const button = element.querySelector('button.user-button')!;
    const visible = button.querySelector('.user-name')?.textContent?.trim();
    expect(visible).toBe('Alice Andersen');
    expect(button.getAttribute('aria-label')).toBe('Alice Andersen, user menu');
  });
});
