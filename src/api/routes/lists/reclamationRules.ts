import { Router } from 'express';
import { z } from 'zod';
import type { ApiDeps } from '../../deps';
import { notFound } from '../../problem';
import { getReclamationRule, listReclamationRules, reclamationRuleView, updateReclamationRule } from '../../../store/rules';
import { listBody, listQuerySchema, parseQuery, profileParam, uuidParam } from '../params';
import { recordAudit } from '../../audit';

export const reclamationRulesQuery = listQuerySchema({});

export const reclamationRulePatch = z
  .object({
    thresholdDays: z.number().int('must be a whole number of days').min(1).max(3650).optional(),
    active: z.boolean().optional(),
    /** Notify and wait: ask the person first (keep or release) instead of reclaiming straight away. */
    notifyUser: z.boolean().optional(),
    /** How long the person has to answer; fractions of a day are allowed (at least about a second). */
    daysBeforeAutoReclaim: z.number().min(0.00001).max(365).optional(),
    managerEmail: z.email().nullable().optional(),
    /** Reminders before the deadline, in days before it (fractions allowed); null: halfway and one day before. */
    reminderDaysBefore: z
      .array(z.number().min(0.00001).max(365))
      .max(10)
      .refine((l) => new Set(l).size === l.length, 'name each reminder once')
      .nullable()
      .optional(),
  })
  .strict();

/** `GET /api/profiles/{id}/reclamation-rules` and `PATCH .../reclamation-rules/{ruleId}`: one rule per model. */
export function reclamationRulesRouter({ db }: ApiDeps): Router {
  const router = Router();

  router.get('/profiles/:id/reclamation-rules', async (req, res) => {
    const profileId = await profileParam(db, req);
    const page = parseQuery(reclamationRulesQuery, req.query);
    res.json(listBody(page, await listReclamationRules(db, profileId, page), reclamationRuleView));
  });

  router.patch('/profiles/:id/reclamation-rules/:ruleId', async (req, res) => {
    const profileId = await profileParam(db, req);
    const ruleId = uuidParam(req, 'ruleId', 'Reclamation rule');
    const missing = notFound(`Reclamation rule ${ruleId} of this profile`);
    const before = await getReclamationRule(db, profileId, ruleId);
    if (!before) throw missing;
    const change = reclamationRulePatch.parse(req.body ?? {});
    if (!(await updateReclamationRule(db, profileId, ruleId, change))) throw missing;
    recordAudit(res, { before: reclamationRuleView(before) });
    res.json(reclamationRuleView((await getReclamationRule(db, profileId, ruleId))!));
  });

  return router;
}
