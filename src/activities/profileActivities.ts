import { type Client, ScheduleNotFoundError, ScheduleOverlapPolicy, WorkflowNotFoundError } from '@temporalio/client';
import { runDetails, runSummary } from '../runs/summaries';
import { scheduleOffset } from '../temporal/scheduleJitter';
import { scheduleNote } from '../temporal/scheduleNames';
import type { Db } from '../db/pool';
import type { Metrics } from '../metrics';
import type { AsanaClients } from '../profiles/asanaClients';
import type { ProfileOptions, ProfileState, ScheduleKind, ValidationCheck, ValidationResult } from '../profiles/types';
import { scheduleId } from '../profiles/types';
import { scheduleWorkflowType } from '../runs/types';
import { reviewsOfProfile } from '../store/candidates';
import { runLeaseHolders } from '../store/jobs';
import { getProfileRow, saveProfileState } from '../store/profiles';
import { JOB_KIND, PROFILE_ID } from '../temporal/searchAttributes';
import { reviewWorkflowId } from '../workflows/review/definitions';
import { validateAsanaConnection } from './validateConnection';

export interface ProfileActivityDeps {
  db: Db;
  asana: AsanaClients;
  temporal: Client;
  taskQueue: string;
  metrics?: Metrics;
}

/**
 * When each run fires (UTC): the kind's hour, at the profile's own minute and second of it (scheduleJitter.ts),
 * so that many profiles don't all call Asana at the same moment.
 */
export function calendarFor(kind: ScheduleKind, profileId: string) {
  const { minute, second } = scheduleOffset(profileId);
  switch (kind) {
    case 'download':
      return { hour: 1, minute, second };
    case 'activity':
      return { hour: 3, minute, second };
    case 'reconcile':
      return { dayOfWeek: 'SUNDAY' as const, hour: 5, minute, second };
  }
}

export function createProfileActivities(deps: ProfileActivityDeps) {
  const { db, temporal, taskQueue } = deps;

  return {
    async validateConnection(input: { profileId: string; options: ProfileOptions }): Promise<Omit<ValidationResult, 'basis'>> {
      const checks: ValidationCheck[] = await validateAsanaConnection({ db, asana: deps.asana, ...input });
      return { passed: checks.every((c) => c.passed), checkedAt: new Date().toISOString(), checks };
    },

    async saveProfileState(state: ProfileState): Promise<void> {
      await saveProfileState(db, state);
    },

    /** Creates the missing schedules of a profile; existing ones are left as they are (idempotent on retry). */
    async ensureSchedules(input: { profileId: string; kinds: ScheduleKind[] }): Promise<string[]> {
      const displayName = (await getProfileRow(db, input.profileId))?.display_name ?? input.profileId;
      const created: string[] = [];
      for (const kind of input.kinds) {
        const id = scheduleId(input.profileId, kind);
        try {
          await temporal.schedule.getHandle(id).describe();
          continue;
        } catch (err) {
          if (!(err instanceof ScheduleNotFoundError)) throw err;
        }
        await temporal.schedule.create({
          scheduleId: id,
          spec: { calendars: [calendarFor(kind, input.profileId)] },
          action: {
            type: 'startWorkflow',
            workflowType: scheduleWorkflowType[kind],
            workflowId: id,
            args: [{ profileId: input.profileId }],
            taskQueue,
            staticSummary: runSummary(kind, displayName),
            staticDetails: runDetails(kind, input.profileId, 'schedule'),
            typedSearchAttributes: [
              { key: PROFILE_ID, value: input.profileId },
              { key: JOB_KIND, value: kind },
            ],
          },
          // SKIP agrees with the runs' own rule (one run of a kind per profile at a time): a firing while the
          // previous run goes on is dropped here, and a run that starts anyway while another holds the slot
          // records itself as skipped.
          policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 hour' },
          memo: { profile: displayName, job: kind },
          typedSearchAttributes: [{ key: PROFILE_ID, value: input.profileId }],
          state: { note: scheduleNote(displayName, kind) },
        });
        created.push(id);
      }
      return created;
    },

    /**
     * A deleted profile leaves nothing running: its reviews (which would otherwise wait out their deadlines and
     * act on a profile that is gone) and its runs are terminated. The caller deletes the data afterwards.
     */
    async endProfileWorkflows(input: { profileId: string }): Promise<{ reviews: number; runs: number }> {
      const reviews = (await reviewsOfProfile(db, input.profileId)).map((candidateId) => reviewWorkflowId(input.profileId, candidateId));
      const runs = await runLeaseHolders(db, input.profileId);
      const ended = { reviews: 0, runs: 0 };
      for (const [kind, ids] of [['reviews', reviews], ['runs', runs]] as const) {
        for (const id of ids) {
          try {
            await temporal.workflow.getHandle(id).terminate('the profile was deleted');
            ended[kind] += 1;
          } catch (err) {
            if (!(err instanceof WorkflowNotFoundError)) throw err;
          }
        }
      }
      return ended;
    },

    async deleteSchedules(input: { profileId: string; kinds: ScheduleKind[] }): Promise<number> {
      let deleted = 0;
      for (const kind of input.kinds) {
        try {
          await temporal.schedule.getHandle(scheduleId(input.profileId, kind)).delete();
          deleted += 1;
        } catch (err) {
          if (!(err instanceof ScheduleNotFoundError)) throw err;
        }
      }
      return deleted;
    },
  };
}

export type ProfileActivities = ReturnType<typeof createProfileActivities>;
