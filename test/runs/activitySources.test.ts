// Activity as real Asana gives it, on an Enterprise+ organization: stories through the admin's OAuth grant on
// every plan, the audit log only through a Service Account's token. Both sources together, each alone, what
// validation says of each, the Service Account token kept out of sight, and runs through 429s and 500s.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';
import { historyText } from '../support/history';
import { expectedCandidates, readyProfile, runJob, serviceAccountToken, simMembers, type SimMember } from '../support/runs';

const DAY = 86_400_000;
const scenario = {
  seed: 23, members: 160, guests: 12, viewOnly: 8, admins: 2, inactiveShare: 0.3, recentlyCreatedShare: 0, days: 90,
  eventsPerUserPerDay: 1, projects: 16, storiesPerUserPerDay: 0.5, storiesOnlyShare: 0.15, loginOnlyShare: 0.15,
};

const logLines: string[] = [];
let h: Harness;
let adminGid: string;
beforeAll(async () => {
  h = await startHarness({ scenario, logLines });
  // Loaded again (the same organization: the scenario is seeded) to learn who authorizes: the admin.
  adminGid = (await h.simControl('POST', '/_sim/scenario', scenario)).adminUserGid;
});
afterAll(async () => h?.close());

async function candidateGids(profileId: string): Promise<string[]> {
  const rows = await h.db.query<{ user_gid: string }>("SELECT user_gid FROM removal_candidates WHERE profile_id = $1 AND state <> 'closed_canceled' ORDER BY user_gid", [profileId]);
  return rows.map((r) => r.user_gid);
}

async function coverageStartOf(profileId: string): Promise<number> {
  return Date.parse((await h.api('GET', `/api/profiles/${profileId}`)).body.options.analyzeActivityFrom);
}

/** Plain members with no activity of any kind, on the organization long enough to be candidates. */
function silentMembers(members: SimMember[]): SimMember[] {
  return members.filter(
    (m) => m.isActive && !m.removedAt && !m.isAdmin && !m.isGuest && !m.isViewOnly && m.lastStoryAt === null && m.lastEventAt === null && Date.parse(m.createdAt) < Date.now() - 120 * DAY,
  );
}

describe('an Enterprise+ organization with a Service Account token', () => {
  const seen: string[] = [];
  let profileId: string;
  let token: string;
  let people: { commenter: SimMember; loginOnly: SimMember; failedLogins: SimMember; silent: SimMember };

  beforeAll(async () => {
    const [commenter, loginOnly, failedLogins, silent] = silentMembers(await simMembers(h));
    expect(silent, 'four silent members in the scenario').toBeDefined();
    people = { commenter: commenter!, loginOnly: loginOnly!, failedLogins: failedLogins!, silent: silent! };
    const fiveDaysAgo = new Date(Date.now() - 5 * DAY).toISOString();
    // One comment; one successful login; three failed logins; nothing at all.
    await h.simControl('POST', '/_sim/stories', { actorGid: commenter!.gid, resourceSubtype: 'comment_added', createdAt: fiveDaysAgo });
    await h.simControl('POST', '/_sim/events', { actorGid: loginOnly!.gid, eventType: 'user_login_succeeded', createdAt: fiveDaysAgo });
    for (let i = 0; i < 3; i++) await h.simControl('POST', '/_sim/events', { actorGid: failedLogins!.gid, eventType: 'user_login_failed', createdAt: fiveDaysAgo });

    token = await serviceAccountToken(h);
    profileId = await readyProfile(h, { reclaimSubscriptions: false }, { serviceAccountToken: token });
  });

  it('validates both sources, reads both, and makes candidates from the newest meaningful signal of either', async () => {
    const validated = await h.api('POST', `/api/profiles/${profileId}/validate`);
    seen.push(validated.text);
    const activityChecks = validated.body.validation.checks.filter((c: { api: string }) => c.api === 'Calculate Activity');
    expect(activityChecks.map((c: { name: string; passed: boolean }) => [c.name, c.passed])).toEqual([['stories', true], ['auditLog', true]]);

    expect((await runJob(h, profileId, 'download')).ok).toBe(true);
    const activity = await runJob(h, profileId, 'activity');
    expect(activity.ok, String((activity as { error?: unknown }).error)).toBe(true);
    const results = await h.api('GET', `/api/profiles/${profileId}/job-results?kind=activity`);
    seen.push(results.text);
    const job = results.body.items[0];
    expect(job.status).toBe('succeeded');
    expect(job.counts).toMatchObject({ sourcesRead: 2, sourcesUnavailable: 0, storyProjects: scenario.projects });
    expect(job.counts.stories).toBeGreaterThan(0);
    expect(job.counts.auditEvents).toBeGreaterThan(0);

    const members = await simMembers(h);
    const expected = expectedCandidates(members, { adminGid, coverageStart: await coverageStartOf(profileId), sources: { stories: true, auditLog: true } });
    const got = await candidateGids(profileId);
    expect(got).toEqual(expected);
    // Each source alone would have been wrong: people only one source sees active exist on both sides.
    const storiesOnly = expectedCandidates(members, { adminGid, coverageStart: await coverageStartOf(profileId), sources: { stories: true, auditLog: false } });
    const auditOnly = expectedCandidates(members, { adminGid, coverageStart: await coverageStartOf(profileId), sources: { stories: false, auditLog: true } });
    expect(storiesOnly.length).toBeGreaterThan(got.length);
    expect(auditOnly.length).toBeGreaterThan(got.length);

    expect(got).not.toContain(people.commenter.gid);
    expect(got).not.toContain(people.loginOnly.gid);
    expect(got).toContain(people.failedLogins.gid);
    expect(got).toContain(people.silent.gid);

    // Per-source signals as stored: the comment as a story, the login as an audit event, the failed logins as nothing.
    const activityRows = await h.db.query<{ user_gid: string; last_story_at: Date | null; last_audit_event_at: Date | null }>(
      'SELECT user_gid, last_story_at, last_audit_event_at FROM user_activity WHERE profile_id = $1 AND user_gid = ANY($2)',
      [profileId, [people.commenter.gid, people.loginOnly.gid, people.failedLogins.gid]],
    );
    const byGid = new Map(activityRows.map((r) => [r.user_gid, r]));
    expect(byGid.get(people.commenter.gid)?.last_story_at).not.toBeNull();
    expect(byGid.get(people.loginOnly.gid)?.last_audit_event_at).not.toBeNull();
    expect(byGid.get(people.failedLogins.gid)?.last_audit_event_at ?? null).toBeNull();
  });

  it('narrowed to stories only ("logins do not count"), the person who only logs in becomes a candidate', async () => {
    const narrowed = await readyProfile(h, { reclaimSubscriptions: false, meaningfulActivity: { logins: false, stories: true, auditEvents: false } }, { serviceAccountToken: token });
    const validated = await h.api('POST', `/api/profiles/${narrowed}/validate`);
    // Nothing in the audit log would count, so it is not read (nor checked).
    expect(validated.body.validation.checks.filter((c: { api: string }) => c.api === 'Calculate Activity').map((c: { name: string }) => c.name)).toEqual(['stories']);
    expect((await runJob(h, narrowed, 'download')).ok).toBe(true);
    expect((await runJob(h, narrowed, 'activity')).ok).toBe(true);
    const got = await candidateGids(narrowed);
    expect(got).toContain(people.loginOnly.gid);
    expect(got).not.toContain(people.commenter.gid);
    expect(got).toEqual(expectedCandidates(await simMembers(h), { adminGid, coverageStart: await coverageStartOf(narrowed), sources: { stories: true, auditLog: false } }));
  });

  it('makes no candidate when a source it reads fails, and the job result says which and why', async () => {
    const failing = await readyProfile(h, { reclaimSubscriptions: false }, { serviceAccountToken: await serviceAccountToken(h) });
    expect((await runJob(h, failing, 'download')).ok).toBe(true);
    // The token is replaced by one Asana refuses (as when an admin deletes the Service Account).
    const patched = await h.api('PATCH', `/api/profiles/${failing}`, { connection: { serviceAccountToken: 'a-deleted-service-account-token' } });
    expect(patched.status, patched.text).toBe(200);
    const activity = await runJob(h, failing, 'activity');
    expect(activity.ok, String((activity as { error?: unknown }).error)).toBe(true);
    const job = (await h.api('GET', `/api/profiles/${failing}/job-results?kind=activity`)).body.items[0];
    expect(job.status).toBe('succeeded');
    expect(job.counts).toMatchObject({ sourcesRead: 1, sourcesUnavailable: 1, candidatesCreated: 0 });
    expect(job.counts.stories).toBeGreaterThan(0);
    expect(JSON.stringify(job.details.sources.auditLog)).toMatch(/Service Account/);
    expect(await candidateGids(failing)).toEqual([]);
  });

  it('keeps the Service Account token out of every response, log line and workflow history, and sealed at rest', async () => {
    const profile = await h.api('GET', `/api/profiles/${profileId}`);
    expect(profile.body.connection.serviceAccountTokenSet).toBe(true);
    seen.push(profile.text, (await h.api('GET', '/api/profiles')).text, (await h.api('GET', `/api/profiles/${profileId}/job-results`)).text);

    const histories: string[] = [];
    const workflows = h.temporal.workflow.list({ query: `WorkflowId STARTS_WITH "profile/${profileId}"` });
    for await (const wf of workflows) histories.push(historyText(await h.temporal.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory()));
    expect(histories.length).toBeGreaterThanOrEqual(3); // the profile, its download and its activity run

    const stored = await h.db.query<Record<string, unknown>>('SELECT * FROM connections WHERE profile_id = $1', [profileId]);
    expect(stored).toHaveLength(1);
    expect(logLines.length).toBeGreaterThan(0);
    for (const [where, text] of [
      ['responses', seen.join('\n')],
      ['logs', logLines.join('\n')],
      ['histories', histories.join('\n')],
      ['the connections row', JSON.stringify(stored)],
    ] as const) {
      expect(text.includes(token), `the token in ${where}`).toBe(false);
    }
  });
});

describe('the same organization with the OAuth grant only', () => {
  it('validates on stories, says the audit log needs a Service Account, and refuses activitySources ["auditLog"] with that remedy', async () => {
    const profileId = await readyProfile(h, { reclaimSubscriptions: false });
    const validated = await h.api('POST', `/api/profiles/${profileId}/validate`);
    expect(validated.body.validation.passed).toBe(true);
    const stories = validated.body.validation.checks.find((c: { name: string }) => c.name === 'stories');
    expect(stories).toMatchObject({ passed: true, api: 'Calculate Activity' });
    expect(stories.message).toMatch(/audit log is not read: it needs a Service Account token on Enterprise or Enterprise\+/);
    expect(validated.body.validation.checks.map((c: { name: string }) => c.name)).not.toContain('auditLog');

    const patched = await h.api('PATCH', `/api/profiles/${profileId}`, { options: { activitySources: ['auditLog'] } });
    expect(patched.status, patched.text).toBe(200);
    const refused = await h.api('POST', `/api/profiles/${profileId}/validate`);
    expect(refused.body.validation.passed).toBe(false);
    const audit = refused.body.validation.checks.find((c: { name: string }) => c.name === 'auditLog');
    expect(audit).toMatchObject({ passed: false, api: 'Calculate Activity' });
    expect(audit.remedy).toBe(
      'The audit log needs a Service Account token on Enterprise or Enterprise+. Add one as connection.serviceAccountToken, or leave activitySources on auto: activity will come from stories.',
    );
    const publish = await h.api('POST', `/api/profiles/${profileId}/publish`);
    expect(publish.status).toBe(409);
  });

  it('ends with the right candidates through a 429 storm and bursts of 500s', async () => {
    const profileId = await readyProfile(h, { reclaimSubscriptions: false });
    expect((await runJob(h, profileId, 'download')).ok).toBe(true);
    await h.simControl('DELETE', '/_sim/requests');
    // 20 requests a second per token against 8 projects read at once, and one answer in ten a 500.
    await h.simControl('POST', '/_sim/faults', { rateLimitPerMinute: 20, rateLimitWindowSeconds: 1, errorRate: 0.1 });
    let activity;
    try {
      activity = await runJob(h, profileId, 'activity');
    } finally {
      await h.simControl('DELETE', '/_sim/faults');
    }
    expect(activity.ok, String((activity as { error?: unknown }).error)).toBe(true);
    const requests = (await h.simControl('GET', '/_sim/requests')) as Array<{ status: number; path: string }>;
    const api = requests.filter((r) => r.path.startsWith('/api/'));
    expect(api.filter((r) => r.status === 429).length, 'the limit was in force').toBeGreaterThanOrEqual(5);
    expect(api.filter((r) => r.status === 500).length, '500s were met').toBeGreaterThan(5);

    const got = await candidateGids(profileId);
    expect(got).toEqual(expectedCandidates(await simMembers(h), { adminGid, coverageStart: await coverageStartOf(profileId), sources: { stories: true, auditLog: false } }));
    const job = (await h.api('GET', `/api/profiles/${profileId}/job-results?kind=activity`)).body.items[0];
    expect(job.counts).toMatchObject({ storyProjects: scenario.projects, sourcesRead: 1 });
    console.info(`429 storm + 10% 500s: ${api.length} requests (${api.filter((r) => r.status === 429).length} answered 429, ${api.filter((r) => r.status === 500).length} answered 500); ${got.length} candidates, as expected`);
  }, 120_000);
});

describe('Asana licence rules in the position', () => {
  it('never shows the free Guest model under-licensed; the member model keeps its shortfall and costs', async () => {
    const profileId = await readyProfile(h, { reclaimSubscriptions: false });
    expect((await runJob(h, profileId, 'download')).ok).toBe(true);
    const models = (await h.api('GET', `/api/profiles/${profileId}/software-models`)).body.items as Array<{ id: string; edition: string; billable: boolean }>;
    const guest = models.find((m) => m.edition === 'Guest')!;
    const member = models.find((m) => m.edition === 'Member')!;
    expect(guest.billable).toBe(false);
    expect(member.billable).toBe(true);
    const res = await h.api('POST', `/api/profiles/${profileId}/entitlements`, { modelId: member.id, quantity: 20, unitPrice: 10, currency: 'EUR', termStart: '2026-01-01', termEnd: '2027-12-31' });
    expect(res.status, res.text).toBe(201);
    expect((await runJob(h, profileId, 'reconcile')).ok).toBe(true);

    const position = (await h.api('GET', `/api/profiles/${profileId}/license-position`)).body.models as Array<Record<string, unknown>>;
    const members = (await simMembers(h)).filter((m) => m.isActive && !m.removedAt);
    const guests = members.filter((m) => m.isGuest && !m.isViewOnly).length;
    const plain = members.filter((m) => !m.isGuest && !m.isViewOnly).length;
    expect(guests).toBeGreaterThan(0);
    expect(position.find((p) => p.edition === 'Guest')).toMatchObject({ billable: false, used: guests, rightsOwned: 0, shortfall: 0, position: 'compliant', compliant: true, trueUpCost: '0.00', potentialSavings: '0.00' });
    expect(position.find((p) => p.edition === 'Member')).toMatchObject({
      billable: true, used: plain, rightsOwned: 20, shortfall: plain - 20, position: 'under_licensed', compliant: false, trueUpCost: ((plain - 20) * 10).toFixed(2),
    });
  });
});
