// Karma for the unit specs (run through `ng test`, which sets files and the bundler itself), on
// Debian's Chromium with the project's flags (scripts/chromium-flags.cjs says why).
const fs = require('node:fs');
const path = require('node:path');
const { CHROMIUM_FLAGS } = require('./scripts/chromium-flags.cjs');

process.env.CHROME_BIN = process.env.CHROME_BIN || '/usr/bin/chromium';

/**
 * Writes `{ passed, failed, skipped }` to `.test-results/karma.json` so `scripts/test.mjs` can add
 * Karma's counts to the closing `N passed, N failed` line (Karma prints its own wording only).
 */
function SummaryReporter(baseReporterDecorator) {
  baseReporterDecorator(this);
  const counts = { passed: 0, failed: 0, skipped: 0 };
  this.onSpecComplete = (_browser, result) => {
    if (result.skipped || result.pending) counts.skipped++;
    else if (result.success) counts.passed++;
    else counts.failed++;
  };
  this.onRunComplete = (_browsers, results) => {
    // A run that errored before any spec (a compile error, a disconnect) must not look green.
    if (results.error || results.disconnected) counts.failed = Math.max(counts.failed, 1);
    const dir = path.join(__dirname, '.test-results');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'karma.json'), JSON.stringify(counts));
  };
  // The progress reporter already prints to the terminal; this one writes only the file.
  this.adapters = [];
}
SummaryReporter.$inject = ['baseReporterDecorator'];

module.exports = function (config) {
  config.set({
    basePath: '',
    frameworks: ['jasmine'],
    plugins: [
      require('karma-jasmine'),
      require('karma-chrome-launcher'),
      { 'reporter:summary': ['type', SummaryReporter] },
    ],
    client: {
      jasmine: { random: true },
      clearContext: false,
    },
    reporters: ['dots', 'summary'],
    browsers: ['ChromeHeadlessCI'],
    customLaunchers: {
      ChromeHeadlessCI: {
        base: 'ChromeHeadless',
        flags: CHROMIUM_FLAGS,
      },
    },
    browserNoActivityTimeout: 60000,
    singleRun: true,
    restartOnFileChange: false,
  });
};
