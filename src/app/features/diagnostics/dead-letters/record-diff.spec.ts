import { conflictLetter, rejectedLetter } from '../testing';
import { ABSENT, compareVersions } from './record-diff';

describe('compareVersions', () => {
  it('lists every declared field with both values and marks the differences', () => {
    expect(compareVersions(conflictLetter())).toEqual([
      { field: 'title', mine: 'Mine', theirs: 'Theirs', differs: true },
      { field: 'customerId', mine: 'c1', theirs: 'c1', differs: false },
      { field: 'status', mine: 'open', theirs: 'done', differs: true },
      { field: 'scheduledFor', mine: ABSENT, theirs: ABSENT, differs: false },
      { field: 'notes', mine: ABSENT, theirs: ABSENT, differs: false },
    ]);
  });

  it('adds a deleted row when one side deleted the record', () => {
    const letter = conflictLetter('w1', {
      server: { id: 'w1', rev: 8, deleted: true, data: null, updatedAt: 0 },
    });
    const rows = compareVersions(letter);
    expect(rows[0]).toEqual({ field: '(deleted)', mine: 'no', theirs: 'yes', differs: true });
    expect(rows[1]).toEqual({ field: 'title', mine: 'Mine', theirs: ABSENT, differs: true });
  });

  it('shows only the local version of a rejection', () => {
    const rows = compareVersions(rejectedLetter());
    expect(rows[0]).toEqual({ field: 'title', mine: ABSENT, theirs: '', differs: false });
    expect(rows.every((row) => !row.differs)).toBeTrue();
  });
});
