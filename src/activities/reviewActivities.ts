import { Context } from '@temporalio/activity';
import { type Client, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import type { Db } from '../db/pool';
import type { Metrics } from '../metrics';
import type { AsanaClients } from '../profiles/asanaClients';
import type { Mailer } from '../notify/mailer';
import { issueLinks, MANAGER_ACTIONS, USER_ACTIONS, type LinkSigner } from '../notify/actionLinks';
import { keepRequest, seatNotice } from '../notify/messages';
import { newerActivityCheck } from './newerActivity';
import {
  awaitManager,
  candidateState,
  closeCandidate,
  closedReviewsSince,
  handToReviews,
  holdForOperator,
  loadReview,
  markNotified,
  markReminded,
  remindersSent,
  claimReviewReclaim,
  waitForNextRun,
  recordNotReclaimed,
  reviewedTarget,
  type CandidateState,
  type ReviewRow,
} from '../store/candidates';
import { appendAuditEvent } from '../store/audit';
import { incrementJobCounts } from '../store/jobs';
import { reminderTimes } from '../notify/reminders';

/** A review's step: its deadline (null: it could not be asked) and the reminders before it. */
export interface ReviewStep {
  deadlineAt: string | null;
  reminders: string[];
}
import { managerOf, reviewActor as reviewActorOf, type ReviewEnding } from '../notify/contacts';
import { JOB_KIND, PROFILE_ID } from '../temporal/searchAttributes';
import { reviewClosedSignal, reviewWorkflowId } from '../workflows/review/definitions';
import { getProfileRow } from '../store/profiles';
import { reviewSummary } from '../runs/summaries';
import { reclaimOne } from './reclaimOne';
import { withAsanaFailures } from './asanaFailures';
import { openRunContext, runClientOptions } from './runContext';

export interface Notifications {
  mailer: Mailer;
  signer: LinkSigner;
  /** Where the links in the emails point (the API's public address). */
  publicBaseUrl: string;
}

const DAY_MS = 86_400_000;

export function createReviewActivities(deps: { db: Db; asana: AsanaClients; temporal: Client; taskQueue: string; notifications?: Notifications; metrics?: Metrics }) {
  const { db } = deps;

  const reviewActor = (candidateId: string, because: ReviewEnding) => reviewActorOf(db, candidateId, because);

  const remindersOf = (review: ReviewRow, from: Date, deadline: Date) =>
    reminderTimes(from, deadline, review.reminder_days_before ? review.reminder_days_before.map(Number) : null).map((d) => d.toISOString());

  /** The person's email (first, or a reminder), with fresh keep / release links valid until the deadline. */
  async function sendSeatNotice(review: ReviewRow, to: string, deadline: Date, reminder: boolean): Promise<void> {
    const n = deps.notifications!;
    const links = await issueLinks(db, n.signer, { candidateId: review.id, actions: USER_ACTIONS, expiresAt: deadline, baseUrl: n.publicBaseUrl });
    await n.mailer.send(
      seatNotice({ to, name: review.name, organization: review.organization, lastActivityAt: review.last_activity_at, deadline, keepUrl: links.keep, releaseUrl: links.release, reminder }),
    );
  }

  /** The manager's email (first, or a reminder), with fresh approve / reject links valid until the deadline. */
  async function sendKeepRequest(review: ReviewRow, to: string, deadline: Date, reminder: boolean): Promise<void> {
    const n = deps.notifications!;
    const links = await issueLinks(db, n.signer, { candidateId: review.id, actions: MANAGER_ACTIONS, expiresAt: deadline, baseUrl: n.publicBaseUrl });
    await n.mailer.send(
      keepRequest({ to, person: review.name ?? review.email ?? review.user_gid, organization: review.organization, lastActivityAt: review.last_activity_at, deadline, approveUrl: links.approve, rejectUrl: links.reject, reminder }),
    );
  }

  return {
    /**
     * Hands the `ready` candidates of notify-and-wait rules to a review workflow each (so the reclaim run
     * leaves them alone) and starts the workflows. Starting is idempotent: a retry starts what is missing.
     */
    async startCandidateReviews(input: { profileId: string }): Promise<{ started: number; unsent: number }> {
      if (!deps.notifications) return { started: 0, unsent: await holdForOperator(db, input.profileId) };
      let started = 0;
      const summary = reviewSummary((await getProfileRow(db, input.profileId))?.display_name ?? input.profileId);
      for (const id of await handToReviews(db, input.profileId)) {
        try {
          await deps.temporal.workflow.start('candidateReviewWorkflow', {
            workflowId: reviewWorkflowId(input.profileId, id),
            taskQueue: deps.taskQueue,
            args: [{ profileId: input.profileId, candidateId: id }],
            staticSummary: summary,
            typedSearchAttributes: [
              { key: PROFILE_ID, value: input.profileId },
              { key: JOB_KIND, value: 'review' },
            ],
          });
          started += 1;
        } catch (err) {
          if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
        }
        Context.current().heartbeat({ started });
      }
      return { started, unsent: 0 };
    },

    /** Emails the person their keep / release links; answers the deadline the workflow waits for. */
    async notifyCandidateUser(input: { candidateId: string }): Promise<ReviewStep> {
      const review = await loadReview(db, input.candidateId);
      if (!review?.deadline_at || !deps.notifications) return { deadlineAt: null, reminders: [] };
      if (!review.email) {
        await closeCandidate(db, { profileId: review.profile_id, candidateId: review.id, userGid: review.user_gid, state: 'attention_required', reason: 'No email address is known for this person, so they cannot be asked' });
        return { deadlineAt: null, reminders: [] };
      }
      // The time to answer runs from the email, not from the analysis that chose the candidate.
      const asked = new Date();
      const deadline = new Date(asked.getTime() + Number(review.days_before_auto_reclaim) * DAY_MS);
      await sendSeatNotice(review, review.email, deadline, false);
      await markNotified(db, review.id, deadline);
      return { deadlineAt: deadline.toISOString(), reminders: remindersOf(review, asked, deadline) };
    },

    /**
     * Reminds the person (or the manager) before the deadline, with fresh links to the same step. Sent once per
     * reminder (`number`, from 1), and only while the candidate still waits at that stage.
     */
    async remindCandidate(input: { candidateId: string; stage: 'user' | 'manager'; number: number }): Promise<{ sent: boolean }> {
      const review = await loadReview(db, input.candidateId);
      const waiting = input.stage === 'user' ? 'awaiting_user' : 'awaiting_approval';
      if (!review?.deadline_at || !deps.notifications || review.state !== waiting) return { sent: false };
      if ((await remindersSent(db, review.id)) >= input.number) return { sent: false };
      const to = input.stage === 'user' ? review.email : await managerOf(db, review);
      if (!to) return { sent: false };
      if (input.stage === 'user') await sendSeatNotice(review, to, review.deadline_at, true);
      else await sendKeepRequest(review, to, review.deadline_at, true);
      await markReminded(db, review.id, input.number);
      return { sent: true };
    },

    /** The person wants to keep the seat: the manager (the rule's, else the profile's) decides. */
    async requestManagerApproval(input: { candidateId: string }): Promise<ReviewStep> {
      const review = await loadReview(db, input.candidateId);
      if (!review || !deps.notifications) return { deadlineAt: null, reminders: [] };
      const manager = await managerOf(db, review);
      if (!manager) {
        const reason = 'The person asked to keep the seat, but no manager address is configured on the rule or the profile';
        await closeCandidate(db, { profileId: review.profile_id, candidateId: review.id, userGid: review.user_gid, state: 'attention_required', reason });
        return { deadlineAt: null, reminders: [] };
      }
      const asked = new Date();
      const deadline = new Date(asked.getTime() + Number(review.days_before_auto_reclaim) * DAY_MS);
      await awaitManager(db, review.id, deadline);
      await sendKeepRequest(review, manager, deadline, false);
      return { deadlineAt: deadline.toISOString(), reminders: remindersOf(review, asked, deadline) };
    },

    /** Ends a review without reclaiming: kept by the manager, or no decision in time. */
    async settleCandidate(input: { candidateId: string; state: 'closed_canceled' | 'attention_required'; reason: string; because?: ReviewEnding }): Promise<void> {
      const review = await loadReview(db, input.candidateId);
      if (!review) return;
      await closeCandidate(db, { profileId: review.profile_id, candidateId: review.id, userGid: review.user_gid, state: input.state, reason: input.reason });
      await appendAuditEvent(
        db,
        { actor: await reviewActor(review.id, input.because ?? 'deadline'), action: `candidate.${input.state}`, profileId: review.profile_id, objectType: 'removal-candidate', objectId: review.id, after: { state: input.state, reason: input.reason, userGid: review.user_gid } },
        { once: true },
      );
    },

    /**
     * Released, unanswered, or refused by the manager: reclaim this one seat, with the same checks as a reclaim
     * run. Answers the state the candidate was left in (null: it had been closed another way, or is gone).
     */
    async reclaimReviewedCandidate(input: { profileId: string; candidateId: string; because?: ReviewEnding }): Promise<{ state: CandidateState | null; waitingForNextRun?: boolean }> {
      return withAsanaFailures(deps, input.profileId, async () => {
        const target = await reviewedTarget(db, input);
        if (!target) return { state: null };
        const { asana, connection, workspaceGid, options } = await openRunContext(deps, input.profileId);
        if (!options.reclaimSubscriptions || options.reclaimDryRun) {
          // Switched off (or to a dry run) while the person was being asked: record, remove nothing.
          await recordNotReclaimed(db, target.id, options.reclaimDryRun);
          return { state: 'ready' as const };
        }
        const newerActivity = await newerActivityCheck(deps, { connection, options, workspaceGid, clientOptions: runClientOptions(Context.current(), () => undefined) });
        // A reclaim out of a review counts against the per-run cap: with the cap used, it waits for the next run.
        const slot = await claimReviewReclaim(db, { profileId: input.profileId, candidateId: target.id });
        if (!slot.granted) {
          if (await waitForNextRun(db, target.id, slot.cap!)) await incrementJobCounts(db, slot.jobId!, { reviewsWaitingForNextRun: 1 });
          return { state: 'ready' as const, waitingForNextRun: true };
        }
        const actor = await reviewActor(input.candidateId, input.because ?? 'deadline');
        await reclaimOne({ db, asana, workspaceGid, profileId: input.profileId, target, newerActivity, metrics: deps.metrics, actor });
        return { state: await candidateState(db, input.candidateId) };
      });
    },

    /** Tells the review workflows of candidates the analysis just closed to stop waiting. */
    async signalClosedReviews(input: { profileId: string; since: string }): Promise<{ signaled: number }> {
      let signaled = 0;
      for (const c of await closedReviewsSince(db, input.profileId, input.since)) {
        try {
          await deps.temporal.workflow.getHandle(reviewWorkflowId(input.profileId, c.id)).signal(reviewClosedSignal, c.reason);
          signaled += 1;
        } catch (err) {
          if (!(err instanceof WorkflowNotFoundError)) throw err;
        }
      }
      return { signaled };
    },
  };
}
