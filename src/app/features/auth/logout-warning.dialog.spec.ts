import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { Component, inject } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatDialog } from '@angular/material/dialog';
import { MatDialogHarness } from '@angular/material/dialog/testing';
import { firstValueFrom } from 'rxjs';
import { LogoutWarningDialog, type LogoutWarningChoice } from './logout-warning.dialog';

@Component({ selector: 'app-logout-warning-host', template: '' })
class Host {
  readonly dialog = inject(MatDialog);
}

describe('LogoutWarningDialog', () => {
  async function open(count: number) {
    TestBed.configureTestingModule({ imports: [Host] });
    const fixture = TestBed.createComponent(Host);
    const ref = fixture.componentInstance.dialog.open<
      LogoutWarningDialog,
      { count: number },
      LogoutWarningChoice
    >(LogoutWarningDialog, { data: { count } });
    const closed = firstValueFrom(ref.afterClosed());
    await fixture.whenStable();
    const loader = TestbedHarnessEnvironment.documentRootLoader(fixture);
    const dialog = await loader.getHarness(MatDialogHarness);
    return { dialog, closed, loader };
  }

  afterEach(() => TestBed.inject(MatDialog).closeAll());

  it('says how many unsynced changes would be lost, and offers three choices', async () => {
    const { dialog } = await open(3);
    expect(await dialog.getTitleText()).toContain('3 unsynced changes will be lost');
    const buttons = await dialog.getAllHarnesses(MatButtonHarness);
    expect(await Promise.all(buttons.map((b) => b.getText()))).toEqual([
      'Cancel',
      'Log out anyway',
      'Sync first',
    ]);
  });

  it('speaks of one change in the singular', async () => {
    const { dialog } = await open(1);
    expect(await dialog.getTitleText()).toContain('1 unsynced change will be lost');
  });

  for (const [text, choice] of [
    ['Sync first', 'syncFirst'],
    ['Log out anyway', 'logOut'],
    ['Cancel', undefined],
  ] as const) {
    it(`closes with ${String(choice)} on "${text}"`, async () => {
      const { dialog, closed } = await open(2);
      await (await dialog.getHarness(MatButtonHarness.with({ text }))).click();
      expect(await closed).toBe(choice);
    });
  }
});
