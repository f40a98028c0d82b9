import { ScheduleNotFoundError, type Client } from '@temporalio/client';
import { scheduleId, type ScheduleKind } from '../profiles/types';
import { runSummary } from '../runs/summaries';

const KINDS: readonly ScheduleKind[] = ['download', 'activity', 'reconcile'];

/** The note on a profile's schedule in the Temporal UI. */
export function scheduleNote(displayName: string, kind: ScheduleKind): string {
  return `${displayName}: ${kind}`;
}

/**
 * After a rename, the profile's existing schedules take the new name: their note, and the summary of the runs
 * they start from now on (runs already started keep theirs). A schedule the profile does not have is skipped.
 */
export async function renameSchedules(temporal: Client, profileId: string, displayName: string): Promise<number> {
  let renamed = 0;
  for (const kind of KINDS) {
    try {
      await temporal.schedule.getHandle(scheduleId(profileId, kind)).update((prev) => ({
        ...prev,
        action: { ...prev.action, staticSummary: runSummary(kind, displayName) },
        state: { ...prev.state, note: scheduleNote(displayName, kind) },
      }));
      renamed += 1;
    } catch (err) {
      if (!(err instanceof ScheduleNotFoundError)) throw err;
    }
  }
  return renamed;
}
