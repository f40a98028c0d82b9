// Headless Chromium for the console's tests (Debian's, driven by playwright-core), with what every page is checked
// for: no console error, no serious accessibility violation (axe-core), and a screenshot kept as an artifact.
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';

const ROOT = path.join(__dirname, '..', '..', '..');
export const ARTIFACTS = path.join(ROOT, 'test-artifacts', 'console');
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export interface WatchedPage {
  page: Page;
  context: BrowserContext;
  /** Console errors and uncaught exceptions seen so far, except the failed requests the test provoked. */
  errors: string[];
  /** A request the test expects to fail (a wrong token, a refused change): Chromium logs its status as an error. */
  expectFailure(urlPart: RegExp): void;
}

export async function openPage(browser: Browser, opts: { width?: number; height?: number } = {}): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: { width: opts.width ?? 1280, height: opts.height ?? 900 }, locale: 'en-US', timezoneId: 'UTC', acceptDownloads: true });
  const page = await context.newPage();
  const errors: string[] = [];
  const expected: RegExp[] = [];
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const url = msg.location().url ?? '';
    if (/Failed to load resource/.test(msg.text()) && expected.some((re) => re.test(url))) return;
    errors.push(`${msg.text()} (${url})`);
  });
  page.on('pageerror', (err) => errors.push(`uncaught: ${err.message}`));
  return { page, context, errors, expectFailure: (re) => expected.push(re) };
}

/** axe-core on the page as it is: no serious or critical violation. */
export async function expectAccessible(page: Page, name: string): Promise<void> {
  // Evaluated through the debugging protocol, which the page's Content-Security-Policy does not govern.
  await page.evaluate(`${AXE_SOURCE};0`);
  // Page-side code is given as text: it runs in the browser, where the DOM's names exist.
  const violations = await page.evaluate<Array<{ id: string; impact: string; help: string; targets: string[] }>>(`
    axe.run(document, { resultTypes: ['violations'] }).then((result) =>
      result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) })))`);
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious, `${name}: ${JSON.stringify(serious, null, 1)}`).toEqual([]);
}

/** A screenshot of the page into the artifacts folder (and, for the README's, where it is committed). */
export async function screenshot(page: Page, name: string, opts: { fullPage?: boolean; alsoTo?: string } = {}): Promise<string> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: opts.fullPage ?? true });
  if (opts.alsoTo) fs.copyFileSync(file, path.join(ROOT, opts.alsoTo));
  return file;
}

/** The page fits its window: nothing wider than the viewport makes the whole page scroll sideways. */
export async function expectNoSidewaysScroll(page: Page): Promise<void> {
  const { scroll, width, wide } = await page.evaluate<{ scroll: number; width: number; wide: string[] }>(`({
    scroll: document.documentElement.scrollWidth,
    width: window.innerWidth,
    // The innermost elements that stick out: what to fix when this fails.
    wide: [...document.querySelectorAll('body *')]
      // An absolutely positioned element escapes a scroll container that is not positioned itself.
      .filter((e) => getComputedStyle(e).position === 'absolute' || !(() => { for (let p = e.parentElement; p; p = p.parentElement) if (getComputedStyle(p).overflowX !== 'visible') return true; return false; })())
      .map((e) => [e.getBoundingClientRect().right, e])
      .filter(([right]) => right > window.innerWidth + 1)
      .sort((a, b) => b[0] - a[0])
      .slice(0, 5)
      .map(([right, e]) => e.tagName.toLowerCase() + '.' + String(e.className) + ' (' + Math.round(right) + ' px): ' + (e.textContent || '').slice(0, 40)),
  })`);
  expect(scroll, `wider than the window: ${wide.join(' | ')}`).toBeLessThanOrEqual(width);
}
