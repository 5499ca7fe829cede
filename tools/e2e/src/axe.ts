import fs from 'node:fs';
import { Page } from 'playwright-core';

/** axe-core's browser bundle, from npm (no download at test time). */
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** One axe finding, reduced to what a failure message needs. */
export interface AxeFinding {
  id: string;
  impact: string;
  help: string;
  targets: string[];
}

/**
 * Runs axe-core in the page (on `selector`, the whole document by default)
 * and returns its critical and serious violations of WCAG 2 A/AA.
 */
export async function seriousViolations(page: Page, selector?: string): Promise<AxeFinding[]> {
  if (!(await page.evaluate(() => 'axe' in window))) {
    await page.addScriptTag({ content: AXE_SOURCE });
  }
  const violations = await page.evaluate(async (context: string | undefined) => {
    const axe = (window as any).axe;
    const result = await axe.run(context ? document.querySelector(context) : document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
    });
    return result.violations.map((v: any) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.slice(0, 5).map((n: any) => String(n.target)),
    }));
  }, selector);
  return violations.filter((v: AxeFinding) => v.impact === 'critical' || v.impact === 'serious');
}
