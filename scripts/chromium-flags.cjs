// The flags every headless Debian Chromium of this project starts with (Karma, Playwright, the
// bench, the screenshots). As root Chromium refuses to start without --no-sandbox, and this
// machine has no network, so the background features that would dial out are switched off.
// CommonJS, so karma.conf.js can require it and the ESM/TypeScript tools can import it.
exports.CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
