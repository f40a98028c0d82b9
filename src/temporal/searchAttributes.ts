import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Custom search attributes the Temporal UI filters on: which profile a run belongs to, and its state. */
export const PROFILE_ID = defineSearchAttributeKey('ProfileId', SearchAttributeType.KEYWORD);
export const PROFILE_STATUS = defineSearchAttributeKey('ProfileStatus', SearchAttributeType.KEYWORD);
export const JOB_KIND = defineSearchAttributeKey('JobKind', SearchAttributeType.KEYWORD);

export const customSearchAttributes = [PROFILE_ID, PROFILE_STATUS, JOB_KIND];
