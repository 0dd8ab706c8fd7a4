import { AxeBuilder } from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';
import type { Result } from 'axe-core';

/** WCAG 2.2 AA, as the issue measures it: every level-A and AA rule up to 2.2. */
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] as const;

/** The impacts that fail a check; minor and moderate ones are reported, not failed on. */
const FAILING_IMPACTS = new Set(['serious', 'critical']);

export interface AxeScope {
  /** CSS selector(s) to check only part of the page (e.g. an open dialog). */
  include?: string;
}

/** One violation as a few readable lines: rule, impact, help, and each offending node. */
export function describeViolation(violation: Result): string {
  const nodes = violation.nodes.map((node) => {
    const target = node.target.join(' ');
    // axe's summary says what to fix ("Fix any of the following: ..."), one line per check.
    const why = (node.failureSummary ?? '').replace(/\s*\n\s*/g, '; ');
    return `    ${target}\n      ${node.html.slice(0, 200)}\n      ${why}`;
  });
  return [
    `  ${violation.id} (${violation.impact}): ${violation.help}`,
    `    ${violation.helpUrl}`,
    ...nodes,
  ].join('\n');
}

/**
 * Runs axe-core (WCAG 2.2 AA tags) on the page as it is now and fails, naming every rule and
 * element, when any violation is serious or critical. Returns all violations, so a test can
 * also look at the minor ones.
 */
export async function expectNoSeriousA11yViolations(
  page: Page,
  what: string,
  scope: AxeScope = {},
): Promise<Result[]> {
  let builder = new AxeBuilder({ page }).withTags([...WCAG_TAGS]);
  if (scope.include) builder = builder.include(scope.include);
  const { violations } = await builder.analyze();
  const failing = violations.filter((v) => FAILING_IMPACTS.has(v.impact ?? ''));
  expect(
    failing.length,
    `${what}: ${failing.length} serious or critical accessibility violation(s)\n` +
      failing.map(describeViolation).join('\n'),
  ).toBe(0);
  return violations;
}
