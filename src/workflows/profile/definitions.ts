import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { ProfileOptions, ProfileState, ValidationResult } from '../../profiles/types';

/** The profile's state as the workflow holds it. */
export const profileStateQuery = defineQuery<ProfileState>('profileState');

export const validateUpdate = defineUpdate<ValidationResult>('validate');
export const publishUpdate = defineUpdate<ProfileState>('publish');
export const unpublishUpdate = defineUpdate<ProfileState>('unpublish');
export const changeOptionsUpdate = defineUpdate<ProfileState, [Partial<ProfileOptions>]>('changeOptions');
/** Carries no secret: only that the connection changed, and whether it now holds tokens. */
export const connectionChangedUpdate = defineUpdate<ProfileState, [{ connectionVersion: number; authorized: boolean; reason: string }]>(
  'connectionChanged',
);
export const deleteProfileUpdate = defineUpdate<void>('deleteProfile');

/** Failure types the API turns into HTTP statuses. */
export const INVALID_TRANSITION = 'InvalidTransition';
export const INVALID_INPUT = 'InvalidInput';
