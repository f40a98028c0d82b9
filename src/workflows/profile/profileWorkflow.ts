import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { Mutex } from 'async-mutex';
import type { ProfileActivities } from '../../activities/profileActivities';
import type { ProfileOptions, ProfileState } from '../../profiles/types';
import { PROFILE_STATUS } from '../../temporal/searchAttributes';
import {
  changeOptionsUpdate,
  connectionChangedUpdate,
  deleteProfileUpdate,
  INVALID_INPUT,
  INVALID_TRANSITION,
  profileStateQuery,
  publishUpdate,
  unpublishUpdate,
  validateUpdate,
} from './definitions';
import { applyOptionChange, publishBlocker, schedulesFor } from './transitions';
import { summarizedActivities } from '../summarizedActivities';

const { validateConnection, saveProfileState, ensureSchedules, deleteSchedules, endProfileWorkflows } = summarizedActivities<ProfileActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { maximumAttempts: 5, initialInterval: '1 second' },
});

export interface ProfileWorkflowInput {
  state: ProfileState;
  /** History length at which the workflow continues as new (default 5,000); kept across runs. */
  historyLimit?: number;
}

// Well under Temporal's 50k-event limit; a profile lives for years, each transition adds a few dozen events.
const HISTORY_EVENTS_BEFORE_CONTINUE = 5_000;

/**
 * One long-running workflow per integration profile (ID `profile/<id>`). Its updates are the only way the
 * profile's status, options and validation change; each one is persisted before the caller gets its answer.
 */
export async function profileWorkflow(input: ProfileWorkflowInput): Promise<void> {
  let state: ProfileState = input.state;
  let deleted = false;
  // Updates run one at a time (Temporal's safe-message-handlers pattern): each reads and writes the whole state
  // around its activities, so two must never interleave.
  const lock = new Mutex();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => lock.runExclusive(fn);

  const commit = async (next: ProfileState): Promise<ProfileState> => {
    await saveProfileState(next);
    if (next.status !== state.status) upsertSearchAttributes([{ key: PROFILE_STATUS, value: next.status }]);
    state = next;
    return state;
  };

  setHandler(profileStateQuery, () => state);

  setHandler(
    validateUpdate,
    () =>
      serial(async () => {
        if (!state.authorized) throw invalidTransition('Validation needs an authorized connection: authorize the profile first.');
        const checked = await validateConnection({ profileId: state.profileId, options: state.options });
        const basis = { connectionVersion: state.connectionVersion, downloadActivity: state.options.downloadActivity, activitySources: state.options.activitySources };
        const validation = { ...checked, basis };
        await commit({ ...state, validation, validationStaleReason: null });
        return validation;
      }),
    { validator: () => assertNotDeleted(deleted) },
  );

  setHandler(
    publishUpdate,
    () =>
      serial(async () => {
        const blocker = publishBlocker(state);
        if (blocker) throw invalidTransition(blocker);
        const wanted = schedulesFor(state.options);
        await ensureSchedules({ profileId: state.profileId, kinds: wanted });
        return commit({ ...state, status: 'published', schedules: wanted });
      }),
    { validator: () => assertNotDeleted(deleted) },
  );

  setHandler(
    unpublishUpdate,
    () =>
      serial(async () => {
        await deleteSchedules({ profileId: state.profileId, kinds: ['download', 'activity', 'reconcile'] });
        return commit({ ...state, status: 'draft', schedules: [] });
      }),
    { validator: () => assertNotDeleted(deleted) },
  );

  setHandler(
    changeOptionsUpdate,
    (change: Partial<ProfileOptions>) =>
      serial(async () => {
        const outcome = applyOptionChange(state, change);
        if (outcome.schedulesToDelete.length > 0) await deleteSchedules({ profileId: state.profileId, kinds: outcome.schedulesToDelete });
        return commit({
          ...state,
          options: outcome.options,
          status: outcome.backToDraftReason ? 'draft' : state.status,
          schedules: state.schedules.filter((k) => !outcome.schedulesToDelete.includes(k)),
          validationStaleReason: outcome.staleReason ?? state.validationStaleReason,
        });
      }),
    {
      validator: (change: Partial<ProfileOptions>) => {
        assertNotDeleted(deleted);
        if ((change as { downloadSubscriptions?: boolean }).downloadSubscriptions === false) {
          throw ApplicationFailure.nonRetryable('downloadSubscriptions is always on and cannot be turned off.', INVALID_INPUT);
        }
      },
    },
  );

  setHandler(
    connectionChangedUpdate,
    (change) =>
      serial(async () => {
        if (change.connectionVersion <= state.connectionVersion && change.authorized === state.authorized) return state;
        return commit({
          ...state,
          connectionVersion: Math.max(change.connectionVersion, state.connectionVersion),
          authorized: change.authorized,
          validationStaleReason: state.validation ? change.reason : state.validationStaleReason,
        });
      }),
    { validator: (_change: { connectionVersion: number; authorized: boolean; reason: string }) => assertNotDeleted(deleted) },
  );

  setHandler(deleteProfileUpdate, () =>
    serial(async () => {
      await deleteSchedules({ profileId: state.profileId, kinds: ['download', 'activity', 'reconcile'] });
      await endProfileWorkflows({ profileId: state.profileId });
      deleted = true;
    }),
  );

  const historyLimit = input.historyLimit ?? HISTORY_EVENTS_BEFORE_CONTINUE;
  await condition(() => deleted || workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > historyLimit);
  await condition(allHandlersFinished);
  if (deleted) {
    log.info('profile deleted', { profileId: state.profileId });
    return;
  }
  await continueAsNew<typeof profileWorkflow>({ state, historyLimit: input.historyLimit });
}

function invalidTransition(message: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, INVALID_TRANSITION);
}

function assertNotDeleted(deleted: boolean): void {
  if (deleted) throw ApplicationFailure.nonRetryable('The profile is being deleted.', INVALID_TRANSITION);
}
