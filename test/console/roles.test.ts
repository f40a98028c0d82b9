// The console shows only what the token's role allows: a viewer sees every page's data and no control that
// changes something, an integrator sees them (and restores a reclaimed candidate, or reads why not), and a token
// limited to other profiles is told this one does not exist.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startHarness, type Harness } from '../support/harness';
import { readyProfile, runJob } from '../support/runs';
import { buildConsole } from './support/build';
import { expectAccessible, launchBrowser, openPage, screenshot, type WatchedPage } from './support/browser';

// Half the people inactive, so the activity run finds candidates and its reclaim closes some (10% cap).
const scenario = { seed: 23, members: 40, guests: 0, viewOnly: 0, admins: 1, inactiveShare: 0.5, recentlyCreatedShare: 0, eventsPerUserPerDay: 1, days: 90, deactivatedMembers: 0 };

/** Every control a viewer must not see, by its accessible name. */
const CHANGES = /^(Validate|Publish|Unpublish|Authorize|Authorize again|Run .*|Reconcile now|Edit .*|Remove .*|Add entitlement|Exclude.*|Restore .*|Save|Map)$/;

let h: Harness;
let browser: Browser;
let profileId: string;
let profileName: string;

async function createToken(body: Record<string, unknown>): Promise<string> {
  const res = await h.api('POST', '/api/tokens', body);
  expect(res.status, res.text).toBe(201);
  return res.body.token as string;
}

beforeAll(async () => {
  buildConsole();
  [h, browser] = await Promise.all([startHarness({ scenario }), launchBrowser()]);
  profileId = await readyProfile(h, { reclaimCapPercent: 10 });
  profileName = (await h.api('GET', `/api/profiles/${profileId}`)).body.displayName;
  expect((await runJob(h, profileId, 'download')).ok).toBe(true);
  const activity = await runJob(h, profileId, 'activity');
  expect(activity.ok).toBe(true);
  await h.temporal.workflow.getHandle(`${activity.workflowId}/reclaim`).result();
  expect((await runJob(h, profileId, 'reconcile')).ok).toBe(true);
  const member = (await h.api('GET', `/api/profiles/${profileId}/software-models`)).body.items.find((m: { edition: string }) => m.edition === 'Member');
  const entitlement = await h.api('POST', `/api/profiles/${profileId}/entitlements`, { modelId: member.id, quantity: 50, unitPrice: 12.5, currency: 'EUR', termStart: '2025-01-01', termEnd: '2030-01-01' });
  expect(entitlement.status, entitlement.text).toBe(201);
  const excluded = await h.api('POST', `/api/profiles/${profileId}/exclusion-rules/users`, { email: 'ceo@example.com', reason: 'Signs the contracts' });
  expect(excluded.status, excluded.text).toBe(201);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

async function signIn(token: string): Promise<WatchedPage> {
  const w = await openPage(browser);
  w.page.setDefaultTimeout(20_000);
  await w.page.goto(h.apiUrl);
  await w.page.getByLabel('API token').fill(token);
  await w.page.getByRole('button', { name: 'Sign in' }).click();
  await w.page.getByRole('heading', { name: 'Profiles' }).waitFor();
  return w;
}

const tab = (page: Page, name: string) => page.getByRole('navigation', { name: 'Profile sections' }).getByRole('link', { name });

/** The page has finished loading what it shows (no spinner left). */
async function settled(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle');
  await expect.poll(() => page.locator('main .loading').count(), { timeout: 20_000 }).toBe(0);
}

/** No button that changes something, and no field to type or tick into but a list's filters. */
async function expectReadOnly(page: Page, name: string): Promise<void> {
  const buttons = await page.locator('main').getByRole('button').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? e.textContent?.trim() ?? ''));
  expect(buttons.filter((b) => CHANGES.test(b)), name).toEqual([]);
  const fields = await page.locator('main input, main textarea, main select').evaluateAll((els) => els.filter((e) => !e.closest('.filters')).map((e) => e.outerHTML));
  expect(fields, `${name}: fields`).toEqual([]);
}

describe('the console by role', { timeout: 120_000 }, () => {
  it('shows a viewer every page\'s data and no control that changes something', async () => {
    const w = await signIn(await createToken({ name: 'ops', role: 'viewer' }));
    const { page } = w;
    expect(await page.getByTestId('whoami').textContent()).toBe('Signed in as ops · viewer');
    await page.getByRole('row', { name: profileName }).waitFor();
    expect(await page.getByRole('link', { name: 'New profile' }).count()).toBe(0);
    await settled(page);
    await expectReadOnly(page, 'profiles');
    await expectAccessible(page, 'viewer profiles');

    await page.getByRole('row', { name: profileName }).getByRole('link').click();
    await page.getByTestId('authorization').getByText('Authorized', { exact: true }).waitFor();
    await page.getByText('Passed', { exact: true }).waitFor();
    await page.getByRole('table', { name: 'Schedules' }).or(page.getByText('No schedule')).first().waitFor();
    expect(await page.getByRole('heading', { name: 'Run now' }).count()).toBe(0);
    await settled(page);
    await expectReadOnly(page, 'overview');
    await expectAccessible(page, 'viewer overview');
    await screenshot(page, 'viewer-profile');

    await tab(page, 'Licence position').click();
    await page.getByTestId('position-Member').waitFor();
    await page.getByRole('table', { name: 'Entitlements' }).getByText('€12.50').waitFor();
    expect(await page.getByRole('heading', { name: 'Add an entitlement' }).count()).toBe(0);
    await settled(page);
    await expectReadOnly(page, 'licence position');
    await expectAccessible(page, 'viewer licence position');
    await screenshot(page, 'viewer-licence-position');

    await tab(page, 'People').click();
    await page.getByLabel('State').selectOption('');
    const candidates = page.getByTestId('candidates');
    await candidates.locator('.badge', { hasText: 'closed complete' }).first().waitFor();
    await candidates.locator('.badge', { hasText: 'ready' }).first().waitFor();
    await settled(page);
    await expectReadOnly(page, 'people');
    await expectAccessible(page, 'viewer people');
    await screenshot(page, 'viewer-people');

    await tab(page, 'Rules').click();
    await page.getByText('Signs the contracts').waitFor();
    await page.getByText(/^Member: [\d,]+ days? without activity, active$/).waitFor();
    await page.getByRole('table', { name: 'Software models' }).waitFor();
    await settled(page);
    await expectReadOnly(page, 'rules');
    await expectAccessible(page, 'viewer rules');
    await screenshot(page, 'viewer-rules');

    // Reached by its address, the new-profile page says it is not for this token.
    await page.goto(`${h.apiUrl}/profiles/new`);
    await page.getByRole('heading', { name: 'Not available' }).waitFor();
    expect(await page.getByRole('button', { name: 'Create profile' }).count()).toBe(0);
    expect(w.errors).toEqual([]);
    await w.context.close();
  });

  it('shows an integrator the controls, restores a reclaimed candidate, and shows the API\'s detail outside the window', async () => {
    const w = await signIn(await createToken({ name: 'builder', role: 'integrator' }));
    const { page } = w;
    expect(await page.getByTestId('whoami').textContent()).toBe('Signed in as builder · integrator');
    await page.getByRole('link', { name: 'New profile' }).first().waitFor();

    await page.getByRole('row', { name: profileName }).getByRole('link').click();
    for (const name of ['Validate', 'Publish', 'Authorize again', 'Run download subscriptions', 'Run reconcile']) await page.getByRole('button', { name, exact: true }).waitFor();

    await tab(page, 'Licence position').click();
    await page.getByRole('button', { name: 'Reconcile now' }).waitFor();
    await page.getByRole('button', { name: /^Edit Member entitlement/ }).waitFor();
    await page.getByRole('form', { name: 'Add an entitlement' }).waitFor();

    await tab(page, 'Rules').click();
    await page.getByRole('form', { name: 'Rule for Member' }).getByRole('button', { name: 'Save' }).waitFor();
    await page.getByRole('form', { name: 'Exclude a person' }).waitFor();
    await page.getByRole('checkbox', { name: 'Member costs money' }).waitFor();

    await tab(page, 'People').click();
    await page.getByRole('button', { name: /^Exclude / }).first().waitFor();
    await page.getByLabel('State').selectOption('closed_complete');
    const reclaimed = (await h.api('GET', `/api/profiles/${profileId}/removal-candidates?state=closed_complete`)).body.items as Array<{ id: string; name: string; userGid: string }>;
    expect(reclaimed.length).toBeGreaterThanOrEqual(2);
    const [first, late] = [reclaimed[0]!, reclaimed[1]!];
    await page.getByRole('button', { name: `Restore ${first.name ?? first.userGid}` }).click();
    await page.getByText(`${first.name ?? first.userGid} is added back to the organization`).waitFor();
    expect((await h.api('GET', `/api/profiles/${profileId}/removal-candidates?userGid=${first.userGid}`)).body.items[0].state).toBe('restored');
    await expect.poll(() => page.getByRole('button', { name: `Restore ${first.name ?? first.userGid}` }).count()).toBe(0);

    // Outside the restore window the API says why, and the console shows it as said.
    await h.db.query("UPDATE removal_candidates SET closed_at = now() - interval '31 days' WHERE id = $1", [late.id]);
    w.expectFailure(/\/restore$/);
    await page.getByRole('button', { name: `Restore ${late.name ?? late.userGid}` }).click();
    const refused = await h.api('POST', `/api/profiles/${profileId}/removal-candidates/${late.id}/restore`);
    expect(refused.status).toBe(409);
    await expect.poll(() => page.getByRole('alert').textContent(), { timeout: 20_000 }).toBe(refused.body.detail);
    await expectAccessible(page, 'integrator people');
    expect(w.errors).toEqual([]);
    await w.context.close();
  });

  it('tells a token limited to another profile that this one does not exist, and lists only its own', async () => {
    const other = await h.api('POST', '/api/profiles', { displayName: 'Other organization' });
    expect(other.status, other.text).toBe(201);
    const w = await signIn(await createToken({ name: 'other-ops', role: 'integrator', profileIds: [other.body.id] }));
    const { page } = w;
    await page.getByRole('row', { name: /Other organization/ }).waitFor();
    expect(await page.getByRole('row', { name: profileName }).count()).toBe(0);
    // Limited to some profiles, it cannot make new ones.
    expect(await page.getByRole('link', { name: 'New profile' }).count()).toBe(0);

    w.expectFailure(new RegExp(`/api/profiles/${profileId}$`));
    await page.goto(`${h.apiUrl}/profiles/${profileId}`);
    await expect.poll(() => page.getByRole('alert').textContent(), { timeout: 20_000 }).toMatch(/does not exist/);
    await expectAccessible(page, 'limited token, another profile');
    expect(w.errors).toEqual([]);
    await w.context.close();
  });
});
