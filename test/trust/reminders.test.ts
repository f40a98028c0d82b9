// Warned in time: reminders arrive at the configured points before the deadline, every email says the date,
// what the person loses and how to keep the seat; a reclaim out of a review counts against the per-run cap.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';
import { startSmtpCapture, type SmtpCapture } from '../support/smtp';
import { jobResults, readyProfile, runJob } from '../support/runs';
import { reviewWorkflowId } from '../../src/workflows/review/definitions';

const scenario = { seed: 41, members: 12, guests: 0, viewOnly: 0, admins: 1, inactiveShare: 0.5, recentlyCreatedShare: 0, eventsPerUserPerDay: 1, days: 90, deactivatedMembers: 0 };
const SECOND_IN_DAYS = 1 / 86_400;

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

interface Waiting {
  id: string;
  email: string;
  notified_at: Date;
  deadline_at: Date;
}

/** A profile whose member rule asks first; the activity run has handed its candidates to reviews. */
async function notifyingProfile(options: Record<string, unknown>, rule: Record<string, unknown>) {
  await h.simControl('POST', '/_sim/scenario', scenario);
  const profileId = await readyProfile(h, { managerEmail: 'lead@example.com', ...options });
  expect((await runJob(h, profileId, 'download')).ok).toBe(true);
  const rules = (await h.api('GET', `/api/profiles/${profileId}/reclamation-rules`)).body.items;
  const member = rules.find((r: { edition: string }) => r.edition === 'Member') ?? rules[0];
  const patched = await h.api('PATCH', `/api/profiles/${profileId}/reclamation-rules/${member.id}`, { notifyUser: true, ...rule });
  expect(patched.status, patched.text).toBe(200);
  const activity = await runJob(h, profileId, 'activity');
  expect(activity.ok).toBe(true);
  await h.temporal.workflow.getHandle(`${activity.workflowId}/reclaim`).result();
  // Each review's clock starts when its email goes out.
  await expect
    .poll(async () => (await h.db.query("SELECT 1 FROM removal_candidates WHERE profile_id = $1 AND state = 'awaiting_user' AND notified_at IS NULL", [profileId])).length, { timeout: 10_000, interval: 50 })
    .toBe(0);
  const waiting = await h.db.query<Waiting>(
    `SELECT rc.id, s.email, rc.notified_at, rc.deadline_at FROM removal_candidates rc
       JOIN subscriptions s ON s.profile_id = rc.profile_id AND s.user_gid = rc.user_gid
      WHERE rc.profile_id = $1 AND rc.state = 'awaiting_user' ORDER BY s.email`,
    [profileId],
  );
  expect(waiting.length).toBeGreaterThanOrEqual(3);
  return { profileId, waiting };
}

const when = (d: Date) => `${d.toISOString().replace('T', ' ').slice(0, 16)} UTC`;

describe('warned in time', () => {
  it('sends the reminders at the configured points, each saying the date, what is lost and how to keep it', async () => {
    const { profileId, waiting } = await notifyingProfile({ reclaimCapPercent: 100 }, { daysBeforeAutoReclaim: 6 * SECOND_IN_DAYS, reminderDaysBefore: [4 * SECOND_IN_DAYS, 2 * SECOND_IN_DAYS] });
    const person = waiting[0]!;
    await smtp.waitFor(person.email);
    const already = smtp.messages.filter((m) => m.to.includes(person.email)).length - 1;
    const arrivals: number[] = [];
    for (let i = 1; i <= 2; i++) {
      await smtp.waitFor(person.email, { skip: already + i, timeoutMs: 15_000 });
      arrivals.push(Date.now());
    }
    const mails = smtp.messages.filter((m) => m.to.includes(person.email)).slice(already);
    expect(mails).toHaveLength(3);
    const deadline = person.deadline_at.getTime();
    // Planned 4 s and 2 s before the deadline; allow for a loaded machine.
    for (const [i, before] of [4_000, 2_000].entries()) {
      expect(arrivals[i]! - (deadline - before)).toBeGreaterThan(-600);
      expect(arrivals[i]! - (deadline - before)).toBeLessThan(2_500);
    }
    expect(mails[0]!.subject).toMatch(/still need your Asana seat/);
    expect(mails.slice(1).map((m) => m.subject)).toEqual([expect.stringMatching(/^Reminder: /), expect.stringMatching(/^Reminder: /)]);
    for (const mail of mails) {
      expect(mail.subject).toContain(when(person.deadline_at));
      expect(mail.text).toContain(`Your seat will be reclaimed on ${when(person.deadline_at)}`);
      expect(mail.text).toMatch(/removes you from the organization.*lose access to its projects, tasks/s);
      expect(mail.text).toMatch(/To keep it, choose "Keep my seat"/);
      expect(mail.links.length).toBe(2);
    }
    // No answer: reclaimed at the deadline, and no reminder after it.
    expect(await h.temporal.workflow.getHandle(reviewWorkflowId(profileId, person.id)).result()).toBe('reclaimed');
    expect(smtp.messages.filter((m) => m.to.includes(person.email)).length - already).toBe(3);
  }, 120_000);

  it('a deadline that falls when the run\'s cap is used waits for the next run, and the job result says so', async () => {
    // 12 members and an admin, 10%: one seat per run.
    const { profileId, waiting } = await notifyingProfile({ reclaimCapPercent: 10 }, { daysBeforeAutoReclaim: 3 * SECOND_IN_DAYS, reminderDaysBefore: [] });
    const outcomes = await Promise.all(waiting.map((c) => h.temporal.workflow.getHandle(reviewWorkflowId(profileId, c.id)).result()));
    expect(outcomes.filter((o) => o === 'reclaimed')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'waiting_for_next_run')).toHaveLength(waiting.length - 1);
    const [reclaimRun] = await jobResults(h, profileId, 'reclaim');
    expect(reclaimRun!.counts).toMatchObject({ cap: 1, selected: 0, reviewsWaitingForNextRun: waiting.length - 1 });
    const states = async () => (await h.api('GET', `/api/profiles/${profileId}/removal-candidates?limit=100`)).body.items as Array<{ state: string; reason: string }>;
    const after = await states();
    expect(after.filter((c) => c.state === 'closed_complete')).toHaveLength(1);
    const held = after.filter((c) => c.state === 'ready');
    expect(held).toHaveLength(waiting.length - 1);
    for (const c of held) expect(c.reason).toMatch(/cap \(1 seats\) is used: it waits for the next reclaim run/);

    // The next run takes one of them, within its own cap; nobody is asked again.
    const before = smtp.messages.length;
    expect((await runJob(h, profileId, 'reclaim')).ok).toBe(true);
    expect((await jobResults(h, profileId, 'reclaim'))[0]!.counts).toMatchObject({ cap: 1, selected: 1, reclaimed: 1, overCap: waiting.length - 2 });
    const activity = await runJob(h, profileId, 'activity');
    expect(activity.ok).toBe(true);
    await h.temporal.workflow.getHandle(`${activity.workflowId}/reclaim`).result();
    expect((await states()).filter((c) => c.state === 'awaiting_user')).toEqual([]);
    expect(smtp.messages.length).toBe(before);
  }, 120_000);
});
