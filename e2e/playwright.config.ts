import { defineConfig } from '@playwright/test';
import { CHROMIUM_FLAGS } from '../scripts/chromium-flags.cjs';

// Debian's Chromium, never a downloaded browser (downloads are impossible on these machines).
// As root it needs --no-sandbox; the background-networking flags stop it from dialling out to a
// network that is closed here.
export default defineConfig({
  testDir: './tests',
  outputDir: './artifacts/results',
  fullyParallel: false,
  // Tests share one server and reset it: they run one at a time.
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [['list'], ['json', { outputFile: '../.test-results/e2e.json' }]],
  use: {
    baseURL: process.env['E2E_BASE_URL'] ?? 'http://127.0.0.1:3000',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    viewport: { width: 1280, height: 800 },
    launchOptions: {
      executablePath: process.env['CHROME_BIN'] ?? '/usr/bin/chromium',
      args: CHROMIUM_FLAGS,
    },
  },
});
