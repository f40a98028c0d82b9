import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';
import { startSmtpCapture, type CapturedMail, type SmtpCapture } from '../support/smtp';
import { readyProfile, runJob, simMembers } from '../support/runs';
import { reviewWorkflowId } from '../../src/workflows/review/definitions';

const scenario = { seed: 93, members: 60, guests: 0, viewOnly: 0, admins: 1, inactiveShare: 0.5, recentlyCreatedShare: 0, eventsPerUserPerDay: 1, days: 90, deactivatedMembers: 0 };

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

async function waiting(profileId: string) {
  return h.db.query<{ id: string; email: string; user_gid: string }>(
    `SELECT rc.id, s.email, rc.user_gid FROM removal_candidates rc JOIN subscriptions s ON s.profile_id = rc.profile_id AND s.user_gid = rc.user_gid
      WHERE rc.profile_id = $1 AND rc.state = 'awaiting_user' ORDER BY s.email`,
    [profileId],
  );
}

const linkOf = (mail: CapturedMail, label: string) => mail.links.find((l) => mail.text.includes(`${label}: ${l}`))!;
const post = (url: string) => fetch(url, { method: 'POST', redirect: 'manual' }).then(async (r) => ({ status: r.status, text: await r.text() }));

describe('reviews under concurrency and deletion', () => {
  it('keep and release at the same instant: one is taken, the other is told it was answered; a used link offers no button; outcomes are what happened; deleting the profile ends the rest', async () => {
    await h.simControl('POST', '/_sim/scenario', scenario);
    const profileId = await readyProfile(h, { reclaimCapPercent: 100, managerEmail: 'manager@example.com' });
    expect((await runJob(h, profileId, 'download')).ok).toBe(true);
    const rules = (await h.api('GET', `/api/profiles/${profileId}/reclamation-rules`)).body.items;
    expect((await h.api('PATCH', `/api/profiles/${profileId}/reclamation-rules/${rules[0].id}`, { notifyUser: true, daysBeforeAutoReclaim: 1 })).status).toBe(200);
    const activity = await runJob(h, profileId, 'activity');
    expect(activity.ok).toBe(true);
    await h.temporal.workflow.getHandle(`${activity.workflowId}/reclaim`).result();
    const candidates = await waiting(profileId);
    expect(candidates.length).toBeGreaterThanOrEqual(16);
    const mails = await Promise.all(candidates.map((c) => smtp.waitFor(c.email)));

    // 12 people press both buttons at once.
    const pairs = await Promise.all(mails.slice(0, 12).map((m) => Promise.all([post(linkOf(m, 'Keep my seat')), post(linkOf(m, 'Release my seat'))])));
    for (const [keep, release] of pairs) expect([keep.status, release.status].sort(), `${keep.text} / ${release.text}`).toEqual([200, 409]);

    // The link that was used shows that it was, with no button to press again.
    const used = await fetch(linkOf(mails[0]!, 'Keep my seat'));
    expect(used.status).toBe(409);
    const page = await used.text();
    expect(page).toContain('already answered');
    expect(page).not.toContain('<form');

    // Reclaim switched to a dry run while a person was being asked: their release removes nobody, and the review says so.
    expect((await h.api('PATCH', `/api/profiles/${profileId}`, { options: { reclaimDryRun: true } })).status).toBe(200);
    const dry = candidates[12]!;
    expect((await post(linkOf(mails[12]!, 'Release my seat'))).status).toBe(200);
    expect(await h.temporal.workflow.getHandle(reviewWorkflowId(profileId, dry.id)).result()).toBe('not_reclaimed');
    expect((await simMembers(h)).find((m) => m.gid === dry.user_gid)!.removedAt).toBeNull();

    // Deleting the profile ends every review still waiting; none goes on to report an outcome.
    const stillWaiting = candidates.slice(13);
    expect((await h.api('DELETE', `/api/profiles/${profileId}`)).status).toBe(204);
    for (const c of stillWaiting) {
      const described = await h.temporal.workflow.getHandle(reviewWorkflowId(profileId, c.id)).describe();
      expect(described.status.name).toBe('TERMINATED');
    }
    // Their links now change nothing (the candidates are gone with the profile).
    const late = await post(linkOf(mails[13]!, 'Release my seat'));
    expect(late.status).toBe(400);
    expect((await simMembers(h)).find((m) => m.gid === stillWaiting[0]!.user_gid)!.removedAt).toBeNull();
  }, 90_000);
});
