import type { Db } from '../db/pool';
import { finishJobResult, startJobResult } from '../runs/jobResults';
import type { Counts, JobKind, JobTrigger } from '../runs/types';
import { getProfileRow } from '../profiles/profileStore';
import { withOptionDefaults } from '../profiles/options';

export function createJobActivities(deps: { db: Db }) {
  return {
    async startJob(input: { id: string; profileId: string; kind: JobKind; trigger: JobTrigger; workflowId: string; runId: string }): Promise<string> {
      return startJobResult(deps.db, input);
    },

    async finishJob(input: { jobId: string; status: 'succeeded' | 'failed'; counts: Counts; error?: string | null }): Promise<void> {
      await finishJobResult(deps.db, input.jobId, input);
    },

    /** The options a run follows, read when it runs (an option changed since the schedule was made counts). */
    async loadRunSettings(input: { profileId: string }): Promise<{ exists: boolean; downloadActivity: boolean; reclaimSubscriptions: boolean }> {
      const profile = await getProfileRow(deps.db, input.profileId);
      if (!profile) return { exists: false, downloadActivity: false, reclaimSubscriptions: false };
      const options = withOptionDefaults(profile.options);
      return { exists: true, downloadActivity: options.downloadActivity, reclaimSubscriptions: options.reclaimSubscriptions };
    },
  };
}
