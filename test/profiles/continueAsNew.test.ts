import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';
import type { ProfileState } from '../../src/profiles/types';
import { changeOptionsUpdate, profileStateQuery } from '../../src/workflows/profile/definitions';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h?.close());

describe('the profile workflow', () => {
  it('continues as new before its history grows large, keeping its state and answering updates throughout', async () => {
    const created = await h.api('POST', '/api/profiles', { displayName: 'Long-lived' });
    const id = created.body.id as string;
    // A second workflow for the same state with a tiny history limit stands in for years of updates.
    const state = await h.temporal.workflow.getHandle(`profile/${id}`).query(profileStateQuery);
    const workflowId = `profile/${id}/long-lived-check`;
    const handle = await h.temporal.workflow.start('profileWorkflow', { workflowId, taskQueue: h.taskQueue, args: [{ state, historyLimit: 40 }] });
    const firstRun = handle.firstExecutionRunId;

    let reclaim = true;
    for (let i = 0; i < 12; i++) {
      reclaim = !reclaim;
      const next = await h.temporal.workflow.getHandle(workflowId).executeUpdate(changeOptionsUpdate, { args: [{ reclaimSubscriptions: reclaim }] });
      expect((next as ProfileState).options.reclaimSubscriptions).toBe(reclaim);
    }
    const latest = await h.temporal.workflow.getHandle(workflowId).describe();
    expect(latest.runId).not.toBe(firstRun);
    expect(latest.status.name).toBe('RUNNING');
    expect(latest.historyLength).toBeLessThan(60);
    const kept = await h.temporal.workflow.getHandle(workflowId).query(profileStateQuery);
    expect(kept).toMatchObject({ profileId: id, status: 'draft', options: { reclaimSubscriptions: reclaim } });
    await h.temporal.workflow.getHandle(workflowId).terminate('test done');
  });
});
