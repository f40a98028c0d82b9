import { Router } from 'express';
import { z } from 'zod';
import { parseQuery } from './params';
import { principalOf } from '../principal';
import { operationsAllowed } from '../auth';

export const meQuery = z.object({}).strict();

/** `GET /api/me`: the calling token's name, role and profiles, and what it may call (a console hides the rest). */
export function meRouter(): Router {
  const router = Router();
  router.get('/me', (req, res) => {
    parseQuery(meQuery, req.query);
    const who = principalOf(res);
    res.json({ name: who.name, role: who.role, profileIds: who.profileIds, operations: operationsAllowed(who) });
  });
  return router;
}
