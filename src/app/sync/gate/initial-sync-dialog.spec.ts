import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatDialog, MatDialogState } from '@angular/material/dialog';
import { MatDialogHarness } from '@angular/material/dialog/testing';
import { provideMockActions } from '@ngrx/effects/testing';
import { MockStore, provideMockStore } from '@ngrx/store/testing';
import { of, type Subscription } from 'rxjs';
import type { TableName } from '../../../../contract/tables';
import { runEffect } from '../../../testing/run-effect';
import { initialSyncFeatureState } from '../state/sync.feature';
import { GateActions, GateDialogActions } from './gate.actions';
import { gateDialog$ } from './gate.effects';
import { initialGateState, type GateState } from './gate.feature';
import { INITIAL_SYNC_DIALOG_ID } from './initial-sync-dialog';

/** A root view for the harness loader; the dialog itself is opened by the product's effect. */
@Component({ template: '' })
class Host {}

const pulled = (table: TableName, done: number, total: number) => ({
  phase: 'pull' as const,
  table,
  done,
  total,
});

describe('InitialSyncDialog', () => {
  let dispatch: jasmine.Spy;
  let effect: Subscription | undefined;

  /**
   * Opens the dialog the way the app does: the gate opens and gateDialog$ opens the dialog with
   * its own options, so the specs below test the product's dialog config, not one of their own.
   */
  async function open(gate: Partial<GateState>, progress: GateState['progress'] = []) {
    TestBed.configureTestingModule({
      imports: [Host],
      providers: [
        provideMockActions(() => of(GateActions.opened({ tables: ['customers'] }))),
        provideMockStore({
          initialState: {
            syncGate: {
              ...initialGateState,
              status: 'syncing',
              tables: ['customers', 'products', 'workOrders', 'workOrderLines'],
              progress,
              ...gate,
            },
            sync: initialSyncFeatureState,
          },
        }),
      ],
    });
    dispatch = spyOn(TestBed.inject(MockStore), 'dispatch');
    const fixture = TestBed.createComponent(Host);
    effect = runEffect(gateDialog$).subscribe();
    await fixture.whenStable();
    const loader = TestbedHarnessEnvironment.documentRootLoader(fixture);
    return { fixture, dialog: await loader.getHarness(MatDialogHarness) };
  }

  /** Closing starts an exit animation first: "closing" counts as dismissed too. */
  function expectStillOpen() {
    const ref = TestBed.inject(MatDialog).getDialogById(INITIAL_SYNC_DIALOG_ID);
    expect(ref?.getState()).toBe(MatDialogState.OPEN);
  }

  afterEach(() => {
    effect?.unsubscribe();
    TestBed.inject(MatDialog).closeAll();
  });

  it('shows the current table with records done of total, tables done and the overall bar', async () => {
    const { dialog } = await open({}, [
      pulled('customers', 500, 500),
      pulled('products', 120, 300),
    ]);
    expect(await dialog.getTitleText()).toBe('Setting up this device');
    const text = await dialog.getContentText();
    expect(text).toContain('Products: 120 of 300');
    expect(text).toContain('Tables done: 1 of 4');
    const bar = document.querySelector('mat-progress-bar');
    expect(bar?.getAttribute('aria-valuenow')).toBe('77');
  });

  it('formats large counts for people', async () => {
    const { dialog } = await open({ tables: ['customers'] }, [pulled('customers', 1200, 5000)]);
    expect(await dialog.getContentText()).toContain('Customers: 1,200 of 5,000');
  });

  it('announces progress politely to screen readers', async () => {
    await open({});
    const status = document.querySelector('[role="status"]');
    expect(status?.getAttribute('aria-live')).toBe('polite');
  });

  it('says when it retries, and offers no buttons while retries are left', async () => {
    const { dialog } = await open({
      status: 'retrying',
      retry: { attempt: 2, of: 3, delayMs: 5000 },
    });
    expect(await dialog.getContentText()).toContain('Retrying in 5 s (attempt 2 of 3)');
    expect(await dialog.getActionsText()).toBe('');
  });

  it('offers "Cancel and log out" and "Try again" once the retries are used up', async () => {
    const { dialog } = await open({ status: 'failed', error: 'The server cannot be reached.' });
    expect(await dialog.getContentText()).toContain('The server cannot be reached.');
    const [cancel, retry] = await dialog.getAllHarnesses(MatButtonHarness);
    expect(await cancel.getText()).toBe('Cancel and log out');
    expect(await retry.getText()).toBe('Try again');
    await retry.click();
    await cancel.click();
    expect(dispatch.calls.allArgs()).toEqual([
      [GateDialogActions.tryAgain()],
      [GateDialogActions.cancelAndLogOut()],
    ]);
  });

  it('cannot be dismissed with Escape', async () => {
    const { fixture, dialog } = await open({});
    await dialog.close(); // the harness presses Escape in the dialog
    await fixture.whenStable();
    expectStillOpen();
  });

  it('cannot be dismissed by a click on the backdrop', async () => {
    const { fixture } = await open({});
    const backdrop = document.querySelector<HTMLElement>('.cdk-overlay-backdrop.gate-backdrop');
    expect(backdrop).not.toBeNull();
    backdrop?.click();
    await fixture.whenStable();
    expectStillOpen();
  });
});
