// What an operator reads in the Temporal Web UI: runs, schedules and profiles named by the profile's display
// name and job, every activity with a one-line summary, and the profile's state through a query.
import { defaultPayloadConverter } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scheduleId } from '../../src/profiles/types';
import { startHarness, type Harness } from '../support/harness';
import { readyProfile, runJob } from '../support/runs';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ scenario: { seed: 3, members: 40, guests: 4, viewOnly: 2, admins: 1, projects: 3 } });
});
afterAll(async () => h?.close());

const decode = (payload: unknown): string | undefined => (payload ? defaultPayloadConverter.fromPayload<string>(payload as never) : undefined);

describe('the Temporal UI names things', () => {
  it('gives runs, their activities, schedules and the profile summaries with the display name', async () => {
    const profileId = await readyProfile(h, { reclaimSubscriptions: true, reclaimCapPercent: 1 });
    const renamed = await h.api('PATCH', `/api/profiles/${profileId}`, { displayName: 'Acme EU' });
    expect(renamed.status, renamed.text).toBe(200);
    // A new name sends the profile back to draft only if the options changed: validate again to be sure it can run.
    await h.api('POST', `/api/profiles/${profileId}/validate`);

    const download = await runJob(h, profileId, 'download');
    expect(download.ok).toBe(true);
    const handle = h.temporal.workflow.getHandle(download.workflowId);
    const described = await handle.describe();
    expect(await described.staticSummary()).toBe('Download subscriptions — Acme EU');
    expect(await described.staticDetails()).toContain(`/api/profiles/${profileId}/job-results?kind=download`);

    // Every activity the run scheduled carries a summary.
    const history = await handle.fetchHistory();
    const scheduled = (history.events ?? []).filter((e) => e.activityTaskScheduledEventAttributes);
    expect(scheduled.length).toBeGreaterThan(3);
    const summaries = scheduled.map((e) => [e.activityTaskScheduledEventAttributes!.activityType!.name, decode(e.userMetadata?.summary)]);
    for (const [type, summary] of summaries) expect(summary, `summary of ${type}`).toMatch(/\w/);
    expect(summaries).toContainEqual(['downloadMemberships', 'Download the organization’s memberships, page by page']);

    // The activity run's reclaim child is named too.
    const activity = await runJob(h, profileId, 'activity');
    expect(activity.ok).toBe(true);
    const reclaim = await h.temporal.workflow.getHandle(`${activity.workflowId}/reclaim`).describe();
    expect(await reclaim.staticSummary()).toBe('Reclaim subscriptions — Acme EU');
    expect(await (await h.temporal.workflow.getHandle(activity.workflowId).describe()).staticSummary()).toBe('Refresh activity and analyse — Acme EU');

    // Published: each schedule's action names the run it starts.
    const published = await h.api('POST', `/api/profiles/${profileId}/publish`);
    expect(published.body.status, published.text).toBe('published');
    for (const [kind, title] of [['download', 'Download subscriptions'], ['activity', 'Refresh activity and analyse'], ['reconcile', 'Reconcile the licence position']] as const) {
      const schedule = await h.temporal.schedule.getHandle(scheduleId(profileId, kind)).describe();
      expect(schedule.action.type).toBe('startWorkflow');
      expect((schedule.action as { staticSummary?: string }).staticSummary).toBe(`${title} — Acme EU`);
    }

    // Renamed while published: the schedules start runs under the new name from now on.
    expect((await h.api('PATCH', `/api/profiles/${profileId}`, { displayName: 'Acme Europe' })).status).toBe(200);
    const afterRename = await h.temporal.schedule.getHandle(scheduleId(profileId, 'download')).describe();
    expect((afterRename.action as { staticSummary?: string }).staticSummary).toBe('Download subscriptions — Acme Europe');
    expect(afterRename.state.note).toBe('Acme Europe: download');

    // The profile workflow: its summary, and its state through a query.
    const profile = h.temporal.workflow.getHandle(`profile/${profileId}`);
    expect(await (await profile.describe()).staticSummary()).toMatch(/^Profile — /);
    const state = await profile.query<{ status: string; validation?: { passed: boolean } }>('profileState');
    expect(state.status).toBe('published');
    expect(state.validation?.passed).toBe(true);
    await h.api('POST', `/api/profiles/${profileId}/unpublish`);
  }, 60_000);
});
