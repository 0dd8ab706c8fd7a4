// Regenerates the screenshots in docs/images from the running app. Needs a production build
// served by the sync server in test mode, e.g.:
//   npx ng build && PORT=3100 SYNC_SERVER_MODE=test SYNC_DATA_DIR=memory npm run server &
//   node scripts/screenshots.mjs http://127.0.0.1:3100
import { chromium } from 'playwright-core';
import { CHROMIUM_FLAGS } from './chromium-flags.cjs';

const base = process.argv[2] ?? 'http://127.0.0.1:3100';
const out = (name) => `docs/images/${name}.png`;

async function api(method, path, body) {
  const response = await fetch(base + path, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!response.ok)
    throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
}

await api('POST', '/api/test/reset');
// Enough records, and a slow enough server, that the dialog is caught half way.
await api('POST', '/api/test/seed', { username: 'alice', table: 'workOrders', count: 15000 });
const browser = await chromium.launch({
  executablePath: process.env.CHROME_BIN ?? '/usr/bin/chromium',
  args: CHROMIUM_FLAGS,
});
try {
  const page = await (
    await browser.newContext({ viewport: { width: 1024, height: 768 } })
  ).newPage();
  await page.goto(`${base}/login`);
  await page.getByLabel('Username').fill('alice');
  await page.getByLabel('Password').fill('alice-demo-pass');
  await api('POST', '/api/test/faults', { mode: 'delay', ms: 400, count: 100 });
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByText(/Work orders: [1-9]/).waitFor({ timeout: 60_000 });
  await page.screenshot({ path: out('gate-progress') });

  await api('DELETE', '/api/test/faults');
  await api('POST', '/api/test/faults', { mode: 'fail', status: 503, count: 100 });
  await page.getByText(/Retrying in/).waitFor({ timeout: 60_000 });
  await page.screenshot({ path: out('gate-retrying') });
  await page.getByRole('button', { name: 'Cancel and log out' }).waitFor({ timeout: 60_000 });
  await page.screenshot({ path: out('gate-failed') });

  await api('DELETE', '/api/test/faults');
  await page.getByRole('button', { name: 'Try again' }).click();
  await page.getByRole('button', { name: 'Sync status: synced' }).waitFor({ timeout: 120_000 });
  await page.screenshot({ path: out('work-orders') });
} finally {
  await browser.close();
}
