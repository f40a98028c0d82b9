// The console end to end, in headless Chromium against the whole service (Temporal, PostgreSQL, the simulator):
// sign in, create and authorize a profile, validate, publish, run, see the candidates and the licence position
// move, download the CSV; every main page without a console error or a serious accessibility violation.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startHarness, type Harness } from '../support/harness';
import { buildConsole } from './support/build';
import { expectAccessible, expectNoSidewaysScroll, launchBrowser, openPage, screenshot, type WatchedPage } from './support/browser';

const TEMPORAL_UI = 'http://localhost:8233';
// Inactive people (no story for months) in an organization small enough to run in seconds.
const scenario = { seed: 61, members: 40, guests: 4, viewOnly: 2, admins: 1, inactiveShare: 0.4, recentlyCreatedShare: 0, days: 90 };

let h: Harness;
let browser: Browser;
let w: WatchedPage;
let page: Page;
let profileId: string;

beforeAll(async () => {
  buildConsole();
  [h, browser] = await Promise.all([startHarness({ scenario, temporalUiUrl: TEMPORAL_UI }), launchBrowser()]);
  w = await openPage(browser);
  page = w.page;
  page.setDefaultTimeout(20_000);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

/** Waits until the profile has `n` finished runs of this kind (the console started them). */
async function runsFinished(kind: string, n = 1): Promise<void> {
  await expect
    .poll(async () => ((await h.api('GET', `/api/profiles/${profileId}/job-results?kind=${kind}`)).body.items as Array<{ status: string }>).filter((r) => r.status !== 'running').length, {
      timeout: 60_000,
      interval: 250,
    })
    .toBeGreaterThanOrEqual(n);
}

/** Waits for what the page shows (a slow machine may take a while), failing after 20 s. */
const eventually = <T>(read: () => Promise<T> | T, timeout = 20_000) => expect.poll(read, { timeout, interval: 100 });

const tab = (name: string) => page.getByRole('navigation', { name: 'Profile sections' }).getByRole('link', { name });

describe('the console', { timeout: 120_000 }, () => {
  it('refuses a wrong token with the API\'s message, and signs in with the right one', async () => {
    await page.goto(h.apiUrl);
    await eventually(() => page.getByRole('heading', { name: 'Sign in to the licence manager' }).isVisible()).toBe(true);
    const csp = (await page.request.get(h.apiUrl)).headers()['content-security-policy'];
    expect(csp).toContain("script-src 'self'");
    await expectAccessible(page, 'sign-in');
    await screenshot(page, 'sign-in', { fullPage: false });

    w.expectFailure(/\/api\/session$/);
    await page.getByLabel('API token').fill('not-the-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await eventually(() => page.getByRole('alert').textContent()).toBe('The API token is not valid (unknown, mistyped or revoked).');

    // With the keyboard alone: the field is labelled, Enter submits.
    await page.getByLabel('API token').fill(h.apiToken);
    await page.getByLabel('API token').press('Enter');
    await page.getByRole('heading', { name: 'Profiles' }).waitFor();
    expect(await page.evaluate<string>('document.activeElement.tagName')).toBe('H1');
    await page.getByText('No profile yet.').waitFor();
    // The page's storage holds no token: the session is an HttpOnly cookie the page cannot read.
    const stored = await page.evaluate<string>('JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage }, cookie: document.cookie })');
    expect(stored).not.toContain(h.apiToken);
    expect(stored).not.toContain('lm_session');
    const [cookie] = await w.context.cookies();
    expect(cookie).toMatchObject({ name: 'lm_session', httpOnly: true, sameSite: 'Strict', path: '/' });
    await expectAccessible(page, 'profiles (empty)');
  });

  it('creates a profile, shows the API\'s detail for a publish before validation, and authorizes through the consent', async () => {
    await page.getByRole('link', { name: 'New profile' }).first().click();
    await page.getByLabel('Display name').fill('Acme');
    await page.getByLabel('Client ID').fill(h.app.clientId);
    await page.getByLabel('Client secret').fill(h.app.clientSecret);
    // Candidates stay ready (nothing reclaimed) so the test sees them.
    await page.getByLabel('Reclaim seats of inactive people').uncheck();
    await expectAccessible(page, 'new profile');
    await page.getByRole('button', { name: 'Create profile' }).click();
    await page.waitForURL(/\/profiles\/[0-9a-f-]{36}$/);
    profileId = page.url().split('/').pop()!;
    await page.getByText('Not authorized').waitFor();

    w.expectFailure(/\/publish$/);
    await page.getByRole('button', { name: 'Publish' }).click();
    const refused = await h.api('POST', `/api/profiles/${profileId}/publish`);
    expect(refused.status).toBe(409);
    await eventually(() => page.getByRole('alert').textContent()).toBe(refused.body.detail);

    await page.getByRole('button', { name: 'Authorize' }).click();
    // Asana's consent (the simulator approves as the admin), the redirect page, and back to the profile.
    await page.waitForURL(/\/oauth_redirect/);
    await page.getByRole('heading', { name: 'Connected to Asana' }).waitFor();
    await page.waitForURL(new RegExp(`/profiles/${profileId}$`));
    await page.getByTestId('authorization').getByText('Authorized', { exact: true }).waitFor();
  });

  it('validates (each check shown), publishes (schedules with their next runs) and runs download and activity', async () => {
    await page.getByRole('button', { name: 'Validate' }).click();
    const checks = page.getByRole('list', { name: 'Checks' }).getByRole('listitem');
    await eventually(() => checks.count()).toBeGreaterThanOrEqual(3);
    expect(await checks.allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining('Download Subscriptions: organization')]));
    await page.getByRole('button', { name: 'Publish' }).click();
    await page.getByRole('button', { name: 'Unpublish' }).waitFor();
    const schedules = page.getByRole('table', { name: 'Schedules' });
    await schedules.getByRole('row').nth(3).waitFor();
    expect(await schedules.textContent()).toMatch(/download.*in \d+ (hours?|minutes?|days?)/);
    await expectAccessible(page, 'profile overview');
    await screenshot(page, 'profile-overview');

    await page.getByRole('button', { name: 'Run download subscriptions' }).click();
    await page.getByText('Download subscriptions started.').waitFor();
    await runsFinished('download');
    await page.getByRole('button', { name: 'Run refresh activity' }).click();
    await page.getByText('Refresh activity started.').waitFor();
    await runsFinished('activity');
  });

  it('lists the candidates with their state and reason, and downloads them as CSV', async () => {
    await tab('People').click();
    const rows = page.getByTestId('candidates').locator('tbody tr');
    await rows.first().waitFor();
    const api = await h.api('GET', `/api/profiles/${profileId}/removal-candidates?state=ready`);
    expect(api.body.total).toBeGreaterThan(0);
    expect(await rows.count()).toBe(Math.min(25, api.body.total));
    expect(await rows.first().textContent()).toContain('ready');
    // Sorting by last activity: the API sorts (every page, and the CSV), and the header says how.
    const [sorted] = await Promise.all([
      page.waitForResponse((r) => r.url().includes('/removal-candidates?') && r.url().includes('sort=lastActivityAt')),
      page.getByRole('button', { name: /Last activity/ }).first().click(),
    ]);
    expect(sorted.status()).toBe(200);
    expect(await page.locator('th[aria-sort="ascending"]').count()).toBe(1);
    expect(await page.getByRole('link', { name: 'Download CSV' }).first().getAttribute('href')).toContain('sort=lastActivityAt');
    await expectAccessible(page, 'people');
    await screenshot(page, 'people');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download CSV' }).first().click()]);
    const csv = fs.readFileSync((await download.path())!, 'utf8').trim().split(/\r?\n/);
    expect(csv[0]).toMatch(/state/);
    expect(csv.length - 1).toBe(api.body.total);
  });

  it('shows the licence position, its spread chart, and moves to over-licensed after an entitlement and a reconcile', async () => {
    await tab('Licence position').click();
    await page.getByText('No reconciliation yet').waitFor();
    await page.getByRole('button', { name: 'Reconcile now' }).click();
    const member = page.getByTestId('position-Member');
    await member.waitFor({ timeout: 60_000 });
    expect(await member.textContent()).toContain('under-licensed');
    await page.locator('canvas[aria-label="Last-activity spread"][data-drawn="true"]').waitFor();
    await page.locator('canvas[aria-label="Reconciliation history"][data-drawn="true"]').waitFor();

    // The API's validation message shows next to the field.
    const form = page.getByRole('form', { name: 'Add an entitlement' });
    await form.getByLabel('Model').selectOption({ label: 'Member' });
    await form.getByLabel('Seats').fill('500');
    await form.getByLabel('Unit price').fill('-3');
    w.expectFailure(/\/entitlements$/);
    await form.getByRole('button', { name: 'Add entitlement' }).click();
    const priceError = form.locator('.field-invalid').filter({ has: page.getByLabel('Unit price') }).locator('.field-error');
    await priceError.waitFor();
    const direct = await h.api('POST', `/api/profiles/${profileId}/entitlements`, { modelId: (await h.api('GET', `/api/profiles/${profileId}/software-models`)).body.items.find((m: { edition: string }) => m.edition === 'Member').id, quantity: 500, unitPrice: -3, currency: 'EUR', termStart: '2025-01-01', termEnd: '2030-01-01' });
    expect(await priceError.textContent()).toBe(direct.body.errors.find((e: { field: string }) => e.field === 'unitPrice').message);

    await form.getByLabel('Unit price').fill('12.50');
    await form.getByRole('button', { name: 'Add entitlement' }).click();
    await page.getByRole('table', { name: 'Entitlements' }).getByText('€12.50').waitFor();
    await page.getByRole('button', { name: 'Reconcile now' }).click();
    await eventually(async () => member.textContent(), 60_000).toContain('over-licensed');
    expect(await member.textContent()).toMatch(/500\s*owned/);
    expect(await member.textContent()).toMatch(/€[\d,]+\.\d{2}/);
    await page.locator('canvas[aria-label="Reconciliation history"][data-drawn="true"]').waitFor();
    await expectAccessible(page, 'licence position');
    await screenshot(page, 'licence-position');
    // The README's picture: the first screen of the page (UPDATE_DOCS_SCREENSHOT=1 writes it into docs/).
    await page.setViewportSize({ width: 1280, height: 1160 });
    await page.evaluate('window.scrollTo(0, 0)');
    await screenshot(page, 'licence-position-top', { fullPage: false, alsoTo: process.env.UPDATE_DOCS_SCREENSHOT ? 'docs/console-licence-position.png' : undefined });
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('edits rules in place with the API\'s messages, and shows runs as a timeline linked to the Temporal Web UI', async () => {
    await tab('Rules').click();
    const rule = page.getByRole('form', { name: 'Rule for Member' });
    await rule.getByLabel('Days without activity').fill('0');
    w.expectFailure(/\/reclamation-rules\//);
    await rule.getByRole('button', { name: 'Save' }).click();
    await rule.locator('.field-error').waitFor();
    await rule.getByLabel('Days without activity').fill('90');
    await rule.getByRole('button', { name: 'Save' }).click();
    await rule.getByText('Saved').waitFor();
    await expectAccessible(page, 'rules');
    await screenshot(page, 'rules');

    await tab('Runs').click();
    const items = page.getByRole('list', { name: 'Runs, newest first' }).getByRole('listitem');
    await eventually(() => items.count()).toBeGreaterThanOrEqual(4);
    const link = items.first().getByRole('link', { name: /Open in Temporal Web UI/ });
    expect(await link.getAttribute('href')).toMatch(new RegExp(`^${TEMPORAL_UI}/namespaces/default/workflows/[^/]+/[0-9a-f-]+/history$`));
    expect(await page.getByRole('list', { name: 'Runs, newest first' }).textContent()).toMatch(/download.*succeeded.*on demand/s);
    await expectAccessible(page, 'runs');
    await screenshot(page, 'runs');
  });

  it('shows a revoked grant with what to do, and authorizing again clears it', async () => {
    await h.simControl('POST', '/_sim/faults', { revokeGrants: true });
    await tab('Overview').click();
    await page.getByRole('button', { name: 'Run download subscriptions' }).click();
    await runsFinished('download', 2);
    await page.reload();
    const alert = page.getByRole('alert').filter({ hasText: 'Asana refused the connection' });
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/re-authorize.*What to do: authorize again/s);
    await tab('Runs').click();
    const failed = page.getByRole('list', { name: 'Runs, newest first' }).getByRole('listitem').filter({ hasText: 'failed' }).first();
    await failed.waitFor();
    expect(await failed.textContent()).toMatch(/re-authorize.*What to do: Authorize the profile again/s);
    await screenshot(page, 'runs-failed');

    await h.simControl('DELETE', '/_sim/faults');
    await tab('Overview').click();
    await page.getByRole('button', { name: /^Authorize/ }).click();
    await page.waitForURL(new RegExp(`/profiles/${profileId}$`), { waitUntil: 'load' });
    await page.getByTestId('authorization').getByText('Authorized', { exact: true }).waitFor();
    expect(await page.getByText('Asana refused the connection').count()).toBe(0);
  });

  it('reads on a narrow window', async () => {
    const narrow = await openPage(browser, { width: 390, height: 844 });
    await narrow.context.addCookies(await w.context.cookies());
    for (const [name, path] of [
      ['licence', `/profiles/${profileId}/licence`],
      ['people', `/profiles/${profileId}/people`],
    ] as const) {
      await narrow.page.goto(`${h.apiUrl}${path}`);
      await narrow.page.getByRole('heading', { name: /Acme/ }).waitFor();
      await narrow.page.waitForLoadState('networkidle');
      await screenshot(narrow.page, `narrow-${name}`);
      await expectNoSidewaysScroll(narrow.page);
      await expectAccessible(narrow.page, `narrow ${name}`);
    }
    expect(narrow.errors).toEqual([]);
    await narrow.context.close();
  });

  it('lists the profile with its last run, signs out, and saw no console error on any page', async () => {
    // Links are reached and followed with the keyboard.
    await page.getByRole('link', { name: 'Profiles', exact: true }).first().focus();
    await page.keyboard.press('Enter');
    const row = page.getByRole('row', { name: /Acme/ });
    await row.waitFor();
    expect(await row.textContent()).toMatch(/published/);
    expect(await row.textContent()).toMatch(/succeeded|failed/);
    await expectAccessible(page, 'profiles');
    await screenshot(page, 'profiles');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to the licence manager' }).waitFor();
    expect(await w.context.cookies()).toEqual([]);
    expect(w.errors).toEqual([]);
  });
});
