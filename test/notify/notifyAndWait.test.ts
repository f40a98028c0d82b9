import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';
import { startSmtpCapture, type SmtpCapture } from '../support/smtp';
import { readyProfile, runJob, simMembers } from '../support/runs';
import { reviewWorkflowId } from '../../src/workflows/review/definitions';

const scenario = { seed: 77, members: 40, guests: 0, viewOnly: 0, admins: 2, inactiveShare: 0.4, recentlyCreatedShare: 0, eventsPerUserPerDay: 1, days: 90, deactivatedMembers: 0 };
const MANAGER = 'manager@example.com';

let h: Harness;
let smtp: SmtpCapture;
beforeAll(async () => {
  smtp = await startSmtpCapture();
  h = await startHarness({ scenario, smtpUrl: smtp.url });
});
afterAll(async () => {
  await h?.close();
  await smtp?.close();
});

interface Candidate {
  id: string;
  user_gid: string;
  email: string;
  state: string;
  reason: string;
}

async function candidates(profileId: string): Promise<Candidate[]> {
  return h.db.query<Candidate>(
    `SELECT rc.id, rc.user_gid, s.email, rc.state, rc.reason FROM removal_candidates rc
       JOIN subscriptions s ON s.profile_id = rc.profile_id AND s.user_gid = rc.user_gid
      WHERE rc.profile_id = $1 ORDER BY s.email`,
    [profileId],
  );
}

/** A profile whose member rule notifies first, with the given time to answer; the activity run has sent the emails. */
async function notifyingProfile(daysBeforeAutoReclaim: number) {
  await h.simControl('POST', '/_sim/scenario', scenario);
  const profileId = await readyProfile(h, { reclaimCapPercent: 100, managerEmail: MANAGER });
  expect((await runJob(h, profileId, 'download')).ok).toBe(true);
  const rules = (await h.api('GET', `/api/profiles/${profileId}/reclamation-rules`)).body.items;
  const patched = await h.api('PATCH', `/api/profiles/${profileId}/reclamation-rules/${rules[0].id}`, { notifyUser: true, daysBeforeAutoReclaim });
  expect(patched.status, patched.text).toBe(200);
  expect(patched.body.notifyUser).toBe(true);
  expect(patched.body.daysBeforeAutoReclaim).toBeCloseTo(daysBeforeAutoReclaim, 8);
  const activity = await runJob(h, profileId, 'activity');
  expect(activity.ok).toBe(true);
  await h.temporal.workflow.getHandle(`${activity.workflowId}/reclaim`).result();
  return profileId;
}

const link = (mail: { links: string[]; text: string }, action: string) => {
  const found = mail.links.find((l) => mail.text.includes(`${labelOf(action)}: ${l}`));
  if (!found) throw new Error(`no ${action} link in ${mail.text}`);
  return found;
};
const labelOf = (action: string) =>
  ({ keep: 'Keep my seat', release: 'Release my seat', approve: 'Approve: keep the seat', reject: 'Reject: reclaim the seat' })[action]!;

async function follow(url: string) {
  const res = await fetch(url, { method: 'POST', redirect: 'manual' });
  return { status: res.status, text: await res.text() };
}

describe('notify and wait', () => {
  it('asks each person; release reclaims, keep goes to the manager who approves or rejects, activity cancels; links work once', async () => {
    const profileId = await notifyingProfile(1);
    const all = await candidates(profileId);
    expect(all.length).toBeGreaterThanOrEqual(4);
    expect(new Set(all.map((c) => c.state))).toEqual(new Set(['awaiting_user']));
    // Nobody was reclaimed by the reclaim run: these wait for their person.
    expect((await simMembers(h)).filter((m) => m.removedAt)).toEqual([]);
    const [released, approved, rejected, resumed] = all;
    const mails = await Promise.all([released, approved, rejected, resumed].map((c) => smtp.waitFor(c!.email)));
    expect(mails[0]!.subject).toMatch(/still need your Asana seat/);
    // Each review is a workflow of its own, waiting on a timer.
    const described = await h.temporal.workflow.getHandle(reviewWorkflowId(profileId, released!.id)).describe();
    expect(described.status.name).toBe('RUNNING');

    // A GET only shows a confirmation page.
    const preview = await fetch(link(mails[0]!, 'release'));
    expect(preview.status).toBe(200);
    expect(await preview.text()).toMatch(/<form method="post"/);

    // Release → reclaimed.
    expect((await follow(link(mails[0]!, 'release'))).status).toBe(200);
    expect(await h.temporal.workflow.getHandle(reviewWorkflowId(profileId, released!.id)).result()).toBe('reclaimed');
    // Replayed, and the sibling link of the same step: refused, nothing changes.
    expect((await follow(link(mails[0]!, 'release'))).status).toBe(409);
    expect((await follow(link(mails[0]!, 'keep'))).status).toBe(409);
    // Forged: a valid-looking token with another signature.
    const forged = link(mails[1]!, 'release').replace(/\.[^.]+$/, '.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    expect((await follow(forged)).status).toBe(400);
    const tampered = link(mails[1]!, 'keep').replace('/candidate-actions/', '/candidate-actions/x');
    expect((await follow(tampered)).status).toBe(400);

    // Keep → the manager approves → kept.
    expect((await follow(link(mails[1]!, 'keep'))).status).toBe(200);
    const managerMail1 = await smtp.waitFor(MANAGER);
    expect(managerMail1.subject).toMatch(/asks to keep/);
    await expect.poll(async () => (await candidates(profileId)).find((c) => c.id === approved!.id)!.state).toBe('awaiting_approval');
    expect((await follow(link(managerMail1, 'approve'))).status).toBe(200);
    expect(await h.temporal.workflow.getHandle(reviewWorkflowId(profileId, approved!.id)).result()).toBe('kept');

    // Keep → the manager rejects → reclaimed.
    expect((await follow(link(mails[2]!, 'keep'))).status).toBe(200);
    const managerMail2 = await smtp.waitFor(MANAGER, { skip: 1 });
    expect((await follow(link(managerMail2, 'reject'))).status).toBe(200);
    expect((await follow(link(managerMail2, 'approve'))).status).toBe(409);
    expect(await h.temporal.workflow.getHandle(reviewWorkflowId(profileId, rejected!.id)).result()).toBe('reclaimed');

    // Activity resumes while waiting → the next analysis closes it and the review ends.
    // A comment on a task: a story, which the activity run reads with the admin's grant.
    await h.simControl('POST', '/_sim/stories', { actorGid: resumed!.user_gid });
    const again = await runJob(h, profileId, 'activity');
    expect(again.ok).toBe(true);
    expect(await h.temporal.workflow.getHandle(reviewWorkflowId(profileId, resumed!.id)).result()).toBe('closed');
    expect((await follow(link(mails[3]!, 'release'))).status).toBe(409);

    const after = Object.fromEntries((await candidates(profileId)).map((c) => [c.id, c]));
    expect(after[released!.id]!.state).toBe('closed_complete');
    expect(after[approved!.id]).toMatchObject({ state: 'closed_canceled', reason: expect.stringMatching(/manager approved/) });
    expect(after[rejected!.id]!.state).toBe('closed_complete');
    expect(after[resumed!.id]).toMatchObject({ state: 'closed_canceled', reason: expect.stringMatching(/Active again/) });
    const removed = (await simMembers(h)).filter((m) => m.removedVia === 'removeUser').map((m) => m.gid).sort();
    expect(removed).toEqual([released!.user_gid, rejected!.user_gid].sort());
  });

  it('reclaims when nobody answers by the deadline, and the expired links change nothing', async () => {
    const profileId = await notifyingProfile(3 / 86_400);
    const all = await candidates(profileId);
    const mail = await smtp.waitFor(all[0]!.email, { skip: 1 });
    const outcomes = await Promise.all(all.map((c) => h.temporal.workflow.getHandle(reviewWorkflowId(profileId, c.id)).result()));
    expect(new Set(outcomes)).toEqual(new Set(['reclaimed']));
    expect(new Set((await candidates(profileId)).map((c) => c.state))).toEqual(new Set(['closed_complete']));
    const expired = await follow(link(mail, 'keep'));
    expect(expired.status).toBe(410);
    expect((await simMembers(h)).filter((m) => m.removedVia === 'removeUser')).toHaveLength(all.length);
  });
});
