import { TestBed } from '@angular/core/testing';
import { MemoryStorage } from '../../../testing/memory-storage';
import { SESSION_CLOCK, SESSION_STORAGE, SessionPersistence, type Session } from './session';

export const ALICE_SESSION: Session = {
  token: 'token-alice',
  expiresAt: 10_000,
  user: { id: 'u-alice', name: 'Alice Andersen', username: 'alice' },
};

describe('SessionPersistence', () => {
  let storage: MemoryStorage;
  let now: number;
  let persistence: SessionPersistence;

  beforeEach(() => {
    storage = new MemoryStorage();
    now = 1_000;
    TestBed.configureTestingModule({
      providers: [
        { provide: SESSION_STORAGE, useValue: storage },
        { provide: SESSION_CLOCK, useValue: () => now },
      ],
    });
    persistence = TestBed.inject(SessionPersistence);
  });

  it('reads back a saved session', () => {
    persistence.save(ALICE_SESSION);
    expect(persistence.load()).toEqual(ALICE_SESSION);
  });

  it('has no session when nothing was saved', () => {
    expect(persistence.load()).toBeNull();
  });

  it('drops an expired session', () => {
    persistence.save(ALICE_SESSION);
    now = ALICE_SESSION.expiresAt;
    expect(persistence.load()).toBeNull();
    expect(storage.length).toBe(0);
  });

  it('treats unreadable or incomplete entries as logged out, and removes them', () => {
    for (const raw of ['{not json', '"a string"', '{"token":"t","expiresAt":5000}', 'null']) {
      storage.setItem('field-sync.session', raw);
      expect(persistence.load()).withContext(raw).toBeNull();
      expect(storage.length).withContext(raw).toBe(0);
    }
  });

  it('clears the session', () => {
    persistence.save(ALICE_SESSION);
    persistence.clear();
    expect(persistence.load()).toBeNull();
  });
});
