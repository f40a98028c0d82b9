import { Router, type Response } from 'express';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { ApiDeps } from '../deps';
import { consumeLink, inspectLink, type ReviewAction } from '../../notify/actionLinks';
import { reviewDecisionSignal, reviewWorkflowId } from '../../workflows/review/definitions';
import { appendAuditEvent } from '../../store/audit';
import { endingOf, reviewActor } from '../../notify/contacts';

const describe: Record<ReviewAction, string> = {
  keep: 'Keep my Asana seat',
  release: 'Release my Asana seat',
  approve: 'Approve: let them keep the seat',
  reject: 'Reject: reclaim the seat',
};

const WHY = {
  forged: [400, 'This link is not valid', 'It was not issued by this service or it was altered. Nothing was changed.'],
  expired: [410, 'This link has expired', 'The time to answer is over. Nothing was changed.'],
  used: [409, 'This request was already answered', 'Each link works once. Nothing was changed.'],
} as const;

/**
 * The signed links of notify-and-wait emails. Opening a link (GET) only shows a confirmation button, so a
 * mail scanner that follows links decides nothing; the button (POST) uses the link up and tells the review.
 */
export function candidateActionsRouter(deps: ApiDeps): Router {
  const router = Router();
  const signer = deps.linkSigner;

  const refused = (res: Response, reason: 'forged' | 'expired' | 'used') => {
    const [status, title, message] = WHY[reason];
    page(res, status, title, message);
  };

  router.get('/candidate-actions/:token', async (req, res) => {
    if (!signer) return page(res, 404, 'Not available', 'Notify-and-wait is not configured on this service.');
    // Only a link that would still work offers its button: a used one says so instead.
    const status = await inspectLink(deps.db, signer, req.params.token, deps.now?.() ?? new Date());
    if (!status.ok) return refused(res, status.reason);
    return page(res, 200, describe[status.action], 'Confirm with the button below.', req.originalUrl);
  });

  router.post('/candidate-actions/:token', async (req, res) => {
    if (!signer) return page(res, 404, 'Not available', 'Notify-and-wait is not configured on this service.');
    const consumed = await consumeLink(deps.db, signer, req.params.token, deps.now?.() ?? new Date());
    if (!consumed.ok) return refused(res, consumed.reason);
    try {
      await deps.temporal.workflow.getHandle(reviewWorkflowId(consumed.profileId, consumed.candidateId)).signal(reviewDecisionSignal, consumed.action);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return page(res, 409, 'This request was already settled', 'The review had already ended. Nothing was changed.');
      throw err;
    }
    deps.logger.info({ candidateId: consumed.candidateId, action: consumed.action }, 'review decision received');
    await appendAuditEvent(deps.db, {
      actor: await reviewActor(deps.db, consumed.candidateId, endingOf[consumed.action]),
      action: `candidate.link.${consumed.action}`,
      profileId: consumed.profileId,
      objectType: 'removal-candidate',
      objectId: consumed.candidateId,
      after: { decision: consumed.action },
    });
    return page(res, 200, 'Thank you', `Recorded: ${describe[consumed.action].toLowerCase()}.`);
  });

  return router;
}

function page(res: Response, status: number, title: string, message: string, confirmAction?: string): void {
  const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const form = confirmAction ? `<form method="post" action="${escape(confirmAction)}"><button type="submit">${escape(title)}</button></form>` : '';
  res
    .status(status)
    .type('html')
    .send(`<!doctype html><html><head><meta charset="utf-8"><title>${escape(title)}</title></head><body><h1>${escape(title)}</h1><p>${escape(message)}</p>${form}</body></html>`);
}
