// What the Temporal Web UI shows for each workflow and activity: names a person reads instead of UUIDs. Plain
// strings only, so the API, the activities and the workflow bundle all use this one table.
import type { JobKind } from './types';

export const JOB_TITLES: Record<JobKind, string> = {
  download: 'Download subscriptions',
  activity: 'Refresh activity and analyse',
  reclaim: 'Reclaim subscriptions',
  reconcile: 'Reconcile the licence position',
};

/** A run's one-line summary, e.g. "Download subscriptions — Acme EU". */
export function runSummary(kind: JobKind, displayName: string): string {
  return `${JOB_TITLES[kind]} — ${oneLine(displayName)}`;
}

/** The details under the summary: which profile, and where its results are (Temporal markdown). */
export function runDetails(kind: JobKind, profileId: string, trigger: string): string {
  return `Profile \`${profileId}\`, ${trigger.replace('_', ' ')} run.\n\nJob results: \`GET /api/profiles/${profileId}/job-results?kind=${kind}\``;
}

export function profileSummary(displayName: string): string {
  return `Profile — ${oneLine(displayName)}`;
}

export function reviewSummary(displayName: string): string {
  return `Notify and wait for a removal candidate — ${oneLine(displayName)}`;
}

export function restoreSummary(displayName: string): string {
  return `Restore a reclaimed seat — ${oneLine(displayName)}`;
}

/** One line per activity type; the UI shows it on each scheduled activity. */
export const ACTIVITY_SUMMARIES: Record<string, string> = {
  startJob: 'Record the job result as running',
  claimRun: 'Claim the profile’s slot for this kind of run',
  releaseRun: 'Release the profile’s slot for this kind of run',
  finishJob: 'Record how the run ended',
  loadRunSettings: 'Read the profile’s run settings',
  downloadMemberships: 'Download the organization’s memberships, page by page',
  finishDownload: 'End the subscriptions no longer listed and count them',
  planActivitySources: 'Choose the activity sources to read',
  walkStories: 'Read stories, project by project (admin’s OAuth grant)',
  pullAuditLog: 'Read the audit log (Service Account)',
  analyzeActivity: 'Turn inactivity into removal candidates',
  signalClosedReviews: 'Stop the reviews of candidates active again',
  startCandidateReviews: 'Start notify-and-wait reviews',
  planReclaim: 'Select the candidates to reclaim within the cap',
  reclaimBatch: 'Remove a batch of reclaimed people from the organization',
  reclaimOutcome: 'Count what the reclaim did',
  reclaimReviewedCandidate: 'Remove the reviewed person from the organization',
  reconcileLicences: 'Compute the licence position of every model',
  notifyCandidateUser: 'E-mail the person whose seat is to be reclaimed',
  requestManagerApproval: 'E-mail the manager to approve keeping the seat',
  remindCandidate: 'Remind the person (or the manager) before the deadline',
  settleCandidate: 'Record how the review ended',
  restoreCandidate: 'Add the reclaimed person back to the organization (addUser, once)',
  validateConnection: 'Check the connection against Asana',
  saveProfileState: 'Save the profile’s state',
  ensureSchedules: 'Create the profile’s schedules',
  deleteSchedules: 'Delete the profile’s schedules',
  endProfileWorkflows: 'End the profile’s runs and reviews',
};

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, 120);
}
