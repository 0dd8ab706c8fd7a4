import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { TestBed, type ComponentFixture } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatCardHarness } from '@angular/material/card/testing';
import { MockStore, provideMockStore } from '@ngrx/store/testing';
import { of } from 'rxjs';

import { SyncStore, type DeadLetter } from '../../../sync';
import { DeadLetterActions } from '../state/diagnostics.actions';
import { initialDiagnosticsState } from '../state/diagnostics.feature';
import { conflictLetter, rejectedLetter } from '../testing';
import { DeadLettersPanel } from './dead-letters-panel';

describe('DeadLettersPanel', () => {
  let fixture: ComponentFixture<DeadLettersPanel>;
  let store: MockStore;

  async function render(letters: DeadLetter[], resolving: string[] = []) {
    TestBed.configureTestingModule({
      imports: [DeadLettersPanel],
      providers: [
        { provide: SyncStore, useValue: { watchDeadLetters: () => of(letters) } },
        provideMockStore({
          initialState: { diagnostics: { ...initialDiagnosticsState, resolving } },
        }),
      ],
    });
    store = TestBed.inject(MockStore);
    spyOn(store, 'dispatch');
    fixture = TestBed.createComponent(DeadLettersPanel);
    await fixture.whenStable();
  }

  const card = (id: string) =>
    TestbedHarnessEnvironment.loader(fixture).getHarness(
      MatCardHarness.with({ title: `Work orders · ${id}` }),
    );
  const buttonsOf = async (id: string) =>
    Promise.all((await (await card(id)).getAllHarnesses(MatButtonHarness)).map((b) => b.getText()));
  const cells = (id: string, selector: string) =>
    [
      ...(fixture.nativeElement as HTMLElement).querySelectorAll(
        `[data-key="workOrders/${id}"] ${selector}`,
      ),
    ].map((el) => el.textContent?.trim());

  it('shows a conflict side by side, with the differing fields marked', async () => {
    await render([conflictLetter('w1')]);

    expect(await (await card('w1')).getSubtitleText()).toContain('Conflict');
    expect(cells('w1', 'thead th')).toEqual(['Field', 'Yours', "Server's"]);
    expect(cells('w1', 'tr.differs th')).toEqual(['title both changed', 'status both changed']);
    expect(cells('w1', '.clashes strong')).toEqual(['title, status']);
    expect(cells('w1', 'tr.differs td')).toEqual(['Mine', 'Theirs', 'open', 'done']);
    expect(await buttonsOf('w1')).toEqual(['Keep mine', "Use server's", 'Discard']);
  });

  it('marks a differing field the server did not name as clashing as a plain difference', async () => {
    await render([conflictLetter('w1', { fields: ['status'] })]);

    expect(cells('w1', 'tr.differs th')).toEqual(['title (differs)', 'status both changed']);
    expect(cells('w1', 'tr.clash th')).toEqual(['status both changed']);
  });

  it('shows a rejection with its reason and attempts, and offers Retry', async () => {
    await render([rejectedLetter('w2')]);

    const subtitle = await (await card('w2')).getSubtitleText();
    expect(subtitle).toContain('Rejected');
    expect(subtitle).toContain('"title" must not be empty · 3 attempts');
    expect(cells('w2', 'thead th')).toEqual(['Field', 'Yours']);
    expect(await buttonsOf('w2')).toEqual(['Retry', 'Discard']);
  });

  it('dispatches the clicked resolution for its record', async () => {
    await render([conflictLetter('w1'), rejectedLetter('w2')]);
    const click = async (id: string, text: string) =>
      (await (await card(id)).getHarness(MatButtonHarness.with({ text }))).click();

    await click('w1', 'Keep mine');
    await click('w1', "Use server's");
    await click('w2', 'Retry');
    await click('w2', 'Discard');

    const key = (id: string) => ({ table: 'workOrders', id }) as const;
    expect((store.dispatch as jasmine.Spy).calls.allArgs()).toEqual([
      [DeadLetterActions.keepMineClicked(key('w1'))],
      [DeadLetterActions.useServerClicked(key('w1'))],
      [DeadLetterActions.retryClicked(key('w2'))],
      [DeadLetterActions.discardClicked(key('w2'))],
    ]);
  });

  it('disables the buttons of a record while its resolution runs', async () => {
    await render([conflictLetter('w1'), rejectedLetter('w2')], ['workOrders/w2']);

    const disabled = async (id: string) =>
      Promise.all(
        (await (await card(id)).getAllHarnesses(MatButtonHarness)).map((b) => b.isDisabled()),
      );
    expect(await disabled('w2')).toEqual([true, true]);
    expect(await disabled('w1')).toEqual([false, false, false]);
  });

  it('says so when there is nothing to resolve', async () => {
    await render([]);
    expect((fixture.nativeElement as HTMLElement).textContent).toContain('No dead letters');
  });
});
