// The service worker the app registers: Angular's (ngsw-worker.js), minus the API.
//
// ngsw answers every same-origin request it sees; one it has no cache for goes to the network,
// and a network failure comes back as a made-up "504 Gateway Timeout". For /api that would turn
// "offline" into "the server failed" in the sync engine, which reads request failures as the
// truth about connectivity. So API requests never reach ngsw: this listener is registered first
// and stops the event, and the browser fetches them itself (the data lives in RxDB, not here).
self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (
    url.origin === self.location.origin &&
    (url.pathname === '/api' || url.pathname.startsWith('/api/'))
  ) {
    event.stopImmediatePropagation();
  }
});

importScripts('./ngsw-worker.js');
