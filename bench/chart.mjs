// Renders the benchmark's bar chart (records per second of the four ways to fill the local
// database, both data sets) as an SVG in headless Chromium and saves a PNG of it.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

const SERIES = [
  ['limit', 'limit: raw IndexedDB puts', '#9e9e9e'],
  ['ceiling', 'storage ceiling: RxDB bulkUpsert, no network', '#78909c'],
  ['engine', 'engine: our initial sync', '#1e88e5'],
  ['peer', 'peer: RxDB replicateRxCollection', '#fb8c00'],
  ['engineCore', 'engine core: pull phase alone, no app UI (diagnostic)', '#90caf9'],
];

const escape = (text) =>
  String(text).replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]);

export function chartSvg(results) {
  const groups = ['small', 'medium', 'large']
    .filter((size) => results.setup.records[size])
    .map((size) => [size, `${results.setup.records[size].toLocaleString('en')} records`]);
  const width = Math.max(960, 100 + groups.length * 400);
  const height = 520;
  const left = 70;
  const top = 90;
  const bottom = 430;
  const plotWidth = width - left - 30;
  const max = Math.max(
    1,
    ...groups.flatMap(([size]) =>
      SERIES.map(([kind]) => results.runs[size]?.[kind]?.recordsPerSec ?? 0),
    ),
  );
  const step = max > 4000 ? 1000 : 500;
  const axisMax = Math.ceil(max / step) * step;
  const y = (value) => bottom - (value / axisMax) * (bottom - top);
  const parts = [];
  parts.push(
    `<text x="${left}" y="34" font-size="22" font-weight="600">Initial sync: records per second (higher is better)</text>`,
  );
  const r = results.ratios;
  parts.push(
    `<text x="${left}" y="62" font-size="15" fill="#444">100k run: engine ÷ storage ceiling ${r.engineToStorageCeiling} · engine ÷ limit ${r.engineToLimit} · engine ÷ peer ${r.engineToPeer} · page size ${results.setup.pullPageSize} · ${escape(results.setup.chromium ? `Chromium ${results.setup.chromium}` : '')}</text>`,
  );
  for (let value = 0; value <= axisMax; value += step) {
    parts.push(
      `<line x1="${left}" x2="${left + plotWidth}" y1="${y(value)}" y2="${y(value)}" stroke="#e0e0e0"/>`,
      `<text x="${left - 8}" y="${y(value) + 5}" font-size="13" text-anchor="end" fill="#555">${value.toLocaleString('en')}</text>`,
    );
  }
  const groupWidth = plotWidth / groups.length;
  const barWidth = 64;
  groups.forEach(([size, label], g) => {
    const x0 = left + g * groupWidth + (groupWidth - SERIES.length * (barWidth + 12)) / 2;
    SERIES.forEach(([kind, , color], i) => {
      const value = results.runs[size]?.[kind]?.recordsPerSec;
      if (value === undefined) return;
      const x = x0 + i * (barWidth + 12);
      parts.push(
        `<rect x="${x}" y="${y(value)}" width="${barWidth}" height="${bottom - y(value)}" fill="${color}"/>`,
        `<text x="${x + barWidth / 2}" y="${y(value) - 6}" font-size="14" text-anchor="middle">${Math.round(value).toLocaleString('en')}</text>`,
      );
    });
    parts.push(
      `<text x="${left + g * groupWidth + groupWidth / 2}" y="${bottom + 24}" font-size="15" text-anchor="middle" font-weight="600">${label}</text>`,
    );
  });
  SERIES.forEach(([, label, color], i) => {
    const x = left + (i % 2) * 420;
    const ly = bottom + 44 + Math.floor(i / 2) * 20;
    parts.push(
      `<rect x="${x}" y="${ly - 12}" width="14" height="14" fill="${color}"/>`,
      `<text x="${x + 20}" y="${ly}" font-size="14">${escape(label)}</text>`,
    );
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="Roboto, Arial, sans-serif"><rect width="100%" height="100%" fill="white"/>${parts.join('')}</svg>`;
}

export async function renderChart(results, file, args) {
  mkdirSync(path.dirname(file), { recursive: true });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args });
  try {
    const page = await browser.newPage({ viewport: { width: 960, height: 520 } });
    await page.setContent(`<body style="margin:0">${chartSvg(results)}</body>`);
    await page.screenshot({ path: file, clip: { x: 0, y: 0, width: 960, height: 520 } });
  } finally {
    await browser.close();
  }
}
