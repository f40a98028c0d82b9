import type { Router } from 'express';
import type { Simulator } from '../../simulator';
import { callerOf } from '../apiAuth';
import { requireUser } from '../lookups';
import { parseOptFields, project } from '../optFields';
import { userFull } from '../representations';
import { sendJson } from '../respond';

export function registerUserRoutes(router: Router, sim: Simulator): void {
  // getUser: the full record by default (as the OAS says), or exactly the opt_fields asked for.
  router.get('/users/:user_gid', (req, res) => {
    const caller = callerOf(res);
    const user = requireUser(sim, req.params.user_gid, caller.member);
    const full = userFull(user, sim.org.workspace);
    const fields = parseOptFields(req.query.opt_fields);
    sendJson(req, res, 200, { data: fields ? project(full, fields) : full });
  });
}
