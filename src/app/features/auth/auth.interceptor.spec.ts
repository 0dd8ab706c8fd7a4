import { HttpClient, provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { MockStore, provideMockStore } from '@ngrx/store/testing';
import { firstValueFrom } from 'rxjs';
import { AuthSessionActions } from './auth.actions';
import { selectToken } from './auth.feature';
import { authInterceptor } from './auth.interceptor';

describe('authInterceptor', () => {
  let http: HttpClient;
  let backend: HttpTestingController;
  let store: MockStore;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(withInterceptors([authInterceptor])),
        provideHttpClientTesting(),
        provideMockStore({ selectors: [{ selector: selectToken, value: 'secret-token' }] }),
      ],
    });
    http = TestBed.inject(HttpClient);
    backend = TestBed.inject(HttpTestingController);
    store = TestBed.inject(MockStore);
    spyOn(store, 'dispatch');
  });

  afterEach(() => backend.verify());

  it('adds the bearer token to API calls', async () => {
    const response = firstValueFrom(http.get('/api/sync/manifest'));
    const request = backend.expectOne('/api/sync/manifest');
    expect(request.request.headers.get('Authorization')).toBe('Bearer secret-token');
    request.flush({ tables: [] });
    await response;
  });

  it('sends no token with the login itself or to other origins', () => {
    http.post('/api/auth/login', {}).subscribe();
    http.get('https://example.test/api/x').subscribe();
    expect(backend.expectOne('/api/auth/login').request.headers.has('Authorization')).toBeFalse();
    expect(
      backend.expectOne('https://example.test/api/x').request.headers.has('Authorization'),
    ).toBeFalse();
  });

  it('ends the session on a 401 and still reports the error to the caller', async () => {
    const response = firstValueFrom(http.get('/api/sync/manifest'));
    backend.expectOne('/api/sync/manifest').flush({}, { status: 401, statusText: 'Unauthorized' });
    await expectAsync(response).toBeRejected();
    expect(store.dispatch).toHaveBeenCalledWith(
      AuthSessionActions.ended({ message: 'Your session has ended. Please log in again.' }),
    );
  });

  it('does not end the session on other errors', async () => {
    const response = firstValueFrom(http.get('/api/sync/manifest'));
    backend.expectOne('/api/sync/manifest').flush({}, { status: 503, statusText: 'Unavailable' });
    await expectAsync(response).toBeRejected();
    expect(store.dispatch).not.toHaveBeenCalled();
  });

  it('sends nothing extra when nobody is logged in', () => {
    store.overrideSelector(selectToken, null);
    store.refreshState();
    http.get('/api/sync/manifest').subscribe({ error: () => undefined });
    const request = backend.expectOne('/api/sync/manifest');
    expect(request.request.headers.has('Authorization')).toBeFalse();
    request.flush({}, { status: 401, statusText: 'Unauthorized' });
    expect(store.dispatch).not.toHaveBeenCalled();
  });
});
