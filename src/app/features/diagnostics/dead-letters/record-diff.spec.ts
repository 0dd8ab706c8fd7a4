import { conflictLetter, rejectedLetter } from '../testing';
import { ABSENT, compareVersions } from './record-diff';

describe('compareVersions', () => {
  it('lists every declared field with both values and marks the differences', () => {
    expect(compareVersions(conflictLetter())).toEqual([
      { field: 'title', mine: 'Mine', theirs: 'Theirs', differs: true, clash: true },
      { field: 'customerId', mine: 'c1', theirs: 'c1', differs: false, clash: false },
      { field: 'status', mine: 'open', theirs: 'done', differs: true, clash: true },
      { field: 'scheduledFor', mine: ABSENT, theirs: ABSENT, differs: false, clash: false },
      { field: 'notes', mine: ABSENT, theirs: ABSENT, differs: false, clash: false },
    ]);
  });

  it('marks only the fields the server named as clashing', () => {
    const rows = compareVersions(conflictLetter('w1', { fields: ['status'] }));
    expect(rows.filter((row) => row.clash).map((row) => row.field)).toEqual(['status']);
    expect(rows.filter((row) => row.differs).map((row) => row.field)).toEqual(['title', 'status']);
  });

  it('adds a deleted row when one side deleted the record', () => {
    const letter = conflictLetter('w1', {
      server: { id: 'w1', rev: 8, deleted: true, data: null, updatedAt: 0 },
    });
    const rows = compareVersions(letter);
    expect(rows[0]).toEqual({
      field: '(deleted)',
      mine: 'no',
      theirs: 'yes',
      differs: true,
      clash: false,
    });
    expect(rows[1]).toEqual(jasmine.objectContaining({ field: 'title', theirs: ABSENT }));
  });

  it('shows only the local version of a rejection', () => {
    const rows = compareVersions(rejectedLetter());
    expect(rows[0]).toEqual({
      field: 'title',
      mine: ABSENT,
      theirs: '',
      differs: false,
      clash: false,
    });
    expect(rows.every((row) => !row.differs)).toBeTrue();
  });
});
