import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatMenuModule } from '@angular/material/menu';
import { MatToolbarModule } from '@angular/material/toolbar';
import { RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { Store } from '@ngrx/store';
import { UserMenuActions } from '../features/auth/auth.actions';
import { selectUser } from '../features/auth/auth.feature';
import { selectGateOpen, SyncBadge } from '../sync';

/** The logged-in layout: app bar (name, navigation, sync status, user menu) over the page. */
@Component({
  selector: 'app-shell',
  imports: [
    MatButtonModule,
    MatIconModule,
    MatMenuModule,
    MatToolbarModule,
    RouterLink,
    RouterLinkActive,
    RouterOutlet,
    SyncBadge,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './shell.html',
  styleUrl: './shell.scss',
})
export class Shell {
  private readonly store = inject(Store);

  protected readonly user = this.store.selectSignal(selectUser);
  protected readonly gateOpen = this.store.selectSignal(selectGateOpen);
  protected readonly userMenuLabel = computed(() => {
    const name = this.user()?.name;
    return name ? `${name}, user menu` : 'User menu';
  });

  protected logOut(): void {
    this.store.dispatch(UserMenuActions.logOut());
  }
}
