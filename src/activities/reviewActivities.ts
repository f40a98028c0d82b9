import { Context } from '@temporalio/activity';
import { type Client, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import type { Db } from '../db/pool';
import type { SecretBox } from '../secrets/secretBox';
import type { Mailer } from '../notify/mailer';
import { issueLinks, MANAGER_ACTIONS, USER_ACTIONS, type LinkSigner } from '../notify/actionLinks';
import { keepRequest, seatNotice } from '../notify/messages';
import { closeCandidate, reviewedTarget } from '../runs/reclaimStore';
import { getProfileRow } from '../profiles/profileStore';
import { JOB_KIND, PROFILE_ID } from '../temporal/searchAttributes';
import { reviewClosedSignal, reviewWorkflowId } from '../workflows/review/definitions';
import { asActivity, openRunContext } from './profileAsana';
import { withOptionDefaults } from '../profiles/options';
import { reclaimOne } from './reclaimOne';

export interface Notifications {
  mailer: Mailer;
  signer: LinkSigner;
  /** Where the links in the emails point (the API's public address). */
  publicBaseUrl: string;
}

interface ReviewRow {
  id: string;
  profile_id: string;
  user_gid: string;
  name: string | null;
  email: string | null;
  last_activity_at: Date | null;
  deadline_at: Date | null;
  days_before_auto_reclaim: string;
  manager_email: string | null;
  organization: string;
}

async function loadReview(db: Db, candidateId: string): Promise<ReviewRow | null> {
  const rows = await db.query<ReviewRow>(
    `SELECT rc.id, rc.profile_id, rc.user_gid, s.name, s.email, rc.last_activity_at, rc.deadline_at,
            r.days_before_auto_reclaim, r.manager_email, p.display_name AS organization
       FROM removal_candidates rc
       JOIN profiles p ON p.id = rc.profile_id
       LEFT JOIN subscriptions s ON s.profile_id = rc.profile_id AND s.user_gid = rc.user_gid
       LEFT JOIN reclamation_rules r ON r.id = rc.rule_id
      WHERE rc.id = $1`,
    [candidateId],
  );
  return rows[0] ?? null;
}

const DAY_MS = 86_400_000;

export function createReviewActivities(deps: { db: Db; box: SecretBox; temporal: Client; taskQueue: string; notifications?: Notifications }) {
  const { db } = deps;

  return {
    /**
     * Hands the `ready` candidates of notify-and-wait rules to a review workflow each (so the reclaim run
     * leaves them alone) and starts the workflows. Starting is idempotent: a retry starts what is missing.
     */
    async startCandidateReviews(input: { profileId: string }): Promise<{ started: number; unsent: number }> {
      if (!deps.notifications) {
        const rows = await db.query<{ n: number }>(
          `WITH held AS (
             UPDATE removal_candidates rc SET state = 'attention_required', updated_at = now(),
                    reason = 'The rule asks to notify the person first, but no mail server is configured (SMTP_URL)'
               FROM reclamation_rules r
              WHERE rc.profile_id = $1 AND rc.state = 'ready' AND r.id = rc.rule_id AND r.notify_user RETURNING 1)
           SELECT count(*)::int AS n FROM held`,
          [input.profileId],
        );
        return { started: 0, unsent: rows[0]!.n };
      }
      await db.query(
        `UPDATE removal_candidates rc SET state = 'awaiting_user', updated_at = now(),
                deadline_at = now() + r.days_before_auto_reclaim * interval '1 day'
           FROM reclamation_rules r
          WHERE rc.profile_id = $1 AND rc.state = 'ready' AND r.id = rc.rule_id AND r.notify_user`,
        [input.profileId],
      );
      const waiting = await db.query<{ id: string }>(
        "SELECT id FROM removal_candidates WHERE profile_id = $1 AND state = 'awaiting_user' AND notified_at IS NULL ORDER BY created_at, id",
        [input.profileId],
      );
      let started = 0;
      for (const { id } of waiting) {
        try {
          await deps.temporal.workflow.start('candidateReviewWorkflow', {
            workflowId: reviewWorkflowId(input.profileId, id),
            taskQueue: deps.taskQueue,
            args: [{ profileId: input.profileId, candidateId: id }],
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
    async notifyCandidateUser(input: { candidateId: string }): Promise<{ deadlineAt: string | null }> {
      const review = await loadReview(db, input.candidateId);
      if (!review?.deadline_at || !deps.notifications) return { deadlineAt: null };
      if (!review.email) {
        await closeCandidate(db, { profileId: review.profile_id, candidateId: review.id, userGid: review.user_gid, state: 'attention_required', reason: 'No email address is known for this person, so they cannot be asked' });
        return { deadlineAt: null };
      }
      const links = await issueLinks(db, deps.notifications.signer, { candidateId: review.id, actions: USER_ACTIONS, expiresAt: review.deadline_at, baseUrl: deps.notifications.publicBaseUrl });
      await deps.notifications.mailer.send(
        seatNotice({ to: review.email, name: review.name, organization: review.organization, lastActivityAt: review.last_activity_at, deadline: review.deadline_at, keepUrl: links.keep, releaseUrl: links.release }),
      );
      await db.query("UPDATE removal_candidates SET notified_at = now(), reason = 'Asked the person whether they still need the seat', updated_at = now() WHERE id = $1", [review.id]);
      return { deadlineAt: review.deadline_at.toISOString() };
    },

    /** The person wants to keep the seat: the manager (the rule's, else the profile's) decides. */
    async requestManagerApproval(input: { candidateId: string }): Promise<{ deadlineAt: string | null }> {
      const review = await loadReview(db, input.candidateId);
      if (!review || !deps.notifications) return { deadlineAt: null };
      const profile = await getProfileRow(db, review.profile_id);
      const manager = review.manager_email ?? withOptionDefaults(profile?.options ?? {}).managerEmail;
      const close = (reason: string) => closeCandidate(db, { profileId: review.profile_id, candidateId: review.id, userGid: review.user_gid, state: 'attention_required', reason });
      if (!manager) {
        await close('The person asked to keep the seat, but no manager address is configured on the rule or the profile');
        return { deadlineAt: null };
      }
      const deadline = new Date(Date.now() + Number(review.days_before_auto_reclaim) * DAY_MS);
      await db.query(
        "UPDATE removal_candidates SET state = 'awaiting_approval', deadline_at = $2, reason = 'The person asked to keep the seat; waiting for the manager', updated_at = now() WHERE id = $1 AND state = 'awaiting_user'",
        [review.id, deadline],
      );
      const links = await issueLinks(db, deps.notifications.signer, { candidateId: review.id, actions: MANAGER_ACTIONS, expiresAt: deadline, baseUrl: deps.notifications.publicBaseUrl });
      await deps.notifications.mailer.send(
        keepRequest({ to: manager, person: review.name ?? review.email ?? review.user_gid, organization: review.organization, lastActivityAt: review.last_activity_at, deadline, approveUrl: links.approve, rejectUrl: links.reject }),
      );
      return { deadlineAt: deadline.toISOString() };
    },

    /** Ends a review without reclaiming: kept by the manager, or no decision in time. */
    async settleCandidate(input: { candidateId: string; state: 'closed_canceled' | 'attention_required'; reason: string }): Promise<void> {
      const review = await loadReview(db, input.candidateId);
      if (review) await closeCandidate(db, { profileId: review.profile_id, candidateId: review.id, userGid: review.user_gid, state: input.state, reason: input.reason });
    },

    /** Released, unanswered, or refused by the manager: reclaim this one seat, with the same checks as a reclaim run. */
    async reclaimReviewedCandidate(input: { profileId: string; candidateId: string }): Promise<{ state: string }> {
      return asActivity(deps, input.profileId, async () => {
        const target = await reviewedTarget(db, input);
        if (!target) return { state: 'already closed' };
        const { asana, workspaceGid, options } = await openRunContext(deps, input.profileId);
        if (!options.reclaimSubscriptions || options.reclaimDryRun) {
          // Switched off (or to a dry run) while the person was being asked: record, remove nothing.
          await db.query(
            `UPDATE removal_candidates SET state = 'ready', reason = $2, dry_run_at = CASE WHEN $3 THEN now() END, updated_at = now() WHERE id = $1`,
            [target.id, options.reclaimDryRun ? 'Dry run: would be reclaimed after the review' : 'Would be reclaimed after the review, but reclaimSubscriptions is off', options.reclaimDryRun],
          );
          return { state: 'ready' };
        }
        const cursor = await db.query<{ coverage_start: Date; status: string }>('SELECT coverage_start, status FROM activity_cursors WHERE profile_id = $1', [input.profileId]);
        await reclaimOne({ db, asana, workspaceGid, profileId: input.profileId, target, activitySince: cursor[0]?.status === 'caught_up' ? cursor[0].coverage_start : null });
        const after = await db.query<{ state: string }>('SELECT state FROM removal_candidates WHERE id = $1', [input.candidateId]);
        return { state: after[0]?.state ?? 'gone' };
      });
    },

    /** Tells the review workflows of candidates the analysis just closed to stop waiting. */
    async signalClosedReviews(input: { profileId: string; since: string }): Promise<{ signaled: number }> {
      const closed = await db.query<{ id: string; reason: string }>(
        `SELECT id, reason FROM removal_candidates
          WHERE profile_id = $1 AND notified_at IS NOT NULL AND closed_at >= $2 AND state IN ('closed_canceled', 'closed_skipped')`,
        [input.profileId, input.since],
      );
      let signaled = 0;
      for (const c of closed) {
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
