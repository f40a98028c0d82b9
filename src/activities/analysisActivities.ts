import type { Db } from '../db/pool';
import type { ActivitySource } from '../profiles/types';
import { withOptionDefaults } from '../profiles/options';
import { sourcesToRead } from '../runs/activitySources';
import { activityCompleteSince, countPeopleWithActivity } from '../store/activity';
import { analyzeActivity, type AnalysisCounts } from '../store/candidates';
import { addJobDetails } from '../store/jobs';
import { getConnection, getProfileRow } from '../store/profiles';
import type { SourceRead } from './sourceRead';

export function createAnalysisActivities(deps: { db: Db }) {
  return {
    /** Which activity sources this run reads (the profile's option, and whether a Service Account token is set). */
    async planActivitySources(input: { profileId: string }): Promise<{ sources: ActivitySource[] }> {
      const [profile, connection] = await Promise.all([getProfileRow(deps.db, input.profileId), getConnection(deps.db, input.profileId)]);
      if (!profile || !connection) return { sources: [] };
      return { sources: sourcesToRead(withOptionDefaults(profile.options), connection.hasServiceAccountToken) };
    },

    /**
     * Turns last activity into candidates. "No signal is not inactivity", per source: when a source the run was
     * to read could not be read (or there is none to read), no candidate is made from the absence of signals,
     * and the job result says which source and why.
     */
    async analyzeActivity(input: { profileId: string; jobId: string; reads: SourceRead[] }): Promise<AnalysisCounts & { peopleWithActivity: number }> {
      const unreadable = input.reads.filter((r) => !r.readable);
      const sources = input.reads.map((r) => r.source);
      const completeSince = unreadable.length === 0 ? await activityCompleteSince(deps.db, input.profileId, sources) : null;
      await addJobDetails(deps.db, input.jobId, {
        sources: Object.fromEntries(input.reads.map((r) => [r.source, r.readable ? { read: true } : { read: false, reason: r.detail }])),
        ...(sources.length === 0 ? { noSource: 'Nothing counts as activity for this profile (meaningfulActivity), so no source was read and no candidate made.' } : {}),
      });
      const counts = await analyzeActivity(deps.db, { profileId: input.profileId, jobId: input.jobId, completeSince });
      return { ...counts, peopleWithActivity: await countPeopleWithActivity(deps.db, input.profileId) };
    },
  };
}
