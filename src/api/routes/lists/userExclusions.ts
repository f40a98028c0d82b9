import { Router, type Request } from 'express';
import { z } from 'zod';
import type { ApiDeps } from '../../deps';
import { badRequest, conflict, notFound } from '../../problem';
import {
  deleteUserExclusion,
  findConflictingUserExclusion,
  getUserExclusion,
  insertUserExclusion,
  listUserExclusions,
  replaceUserExclusion,
  userExclusionView,
  type UserExclusionFields,
  type UserExclusionRow,
} from '../../../store/rules';
import type { Db } from '../../../db/pool';
import { isUniqueViolation } from '../../../db/sql';
import { emailField, reasonField, userGidField } from './fields';
import { listBody, listQuerySchema, parseQuery, profileParam, uuidParam } from '../params';

export const userExclusionsQuery = listQuerySchema({});

const NEEDS_SOMEONE = 'a user exclusion names the user by userGid, email or both; send at least one';

export const userExclusionCreate = z
  .object({ userGid: userGidField.optional(), email: emailField.optional(), active: z.boolean().optional(), reason: reasonField.optional() })
  .strict()
  .superRefine((body, ctx) => {
    if (body.userGid === undefined && body.email === undefined) ctx.addIssue({ code: 'custom', message: NEEDS_SOMEONE });
  });

// null clears userGid or email, as long as the other one remains.
export const userExclusionPatch = z
  .object({ userGid: userGidField.nullable().optional(), email: emailField.nullable().optional(), active: z.boolean().optional(), reason: reasonField.optional() })
  .strict();

const ruleMissing = (ruleId: string) => notFound(`User exclusion rule ${ruleId} of this profile`);

/** A 409 when another rule of the profile already names this user; the duplicate would exclude nothing new. */
async function refuseDuplicate(db: Db, profileId: string, f: UserExclusionFields, exceptId: string | null): Promise<void> {
  const other = await findConflictingUserExclusion(db, profileId, f, exceptId);
  if (!other) return;
  const same = f.userGid !== null && other.user_gid === f.userGid ? `user gid ${f.userGid}` : `email ${other.email}`;
  throw conflict(`User exclusion rule ${other.id} already excludes ${same}; edit that rule instead.`);
}

const raceLost = (err: unknown) => {
  if (isUniqueViolation(err)) throw conflict('Another request just excluded the same user; reload the list.');
  throw err;
};

/** `.../exclusion-rules/users`: people (by gid or email) never counted or reclaimed. */
export function userExclusionsRouter({ db }: ApiDeps): Router {
  const router = Router();
  const path = '/profiles/:id/exclusion-rules/users';

  async function ruleParam(profileId: string, req: Request): Promise<UserExclusionRow> {
    const ruleId = uuidParam(req, 'ruleId', 'User exclusion rule');
    const row = await getUserExclusion(db, profileId, ruleId);
    if (!row) throw ruleMissing(ruleId);
    return row;
  }

  router.get(path, async (req, res) => {
    const profileId = await profileParam(db, req);
    const page = parseQuery(userExclusionsQuery, req.query);
    res.json(listBody(page, await listUserExclusions(db, profileId, page), userExclusionView));
  });

  router.post(path, async (req, res) => {
    const profileId = await profileParam(db, req);
    const body = userExclusionCreate.parse(req.body ?? {});
    const fields: UserExclusionFields = { userGid: body.userGid ?? null, email: body.email ?? null, active: body.active ?? true, reason: body.reason ?? null };
    await refuseDuplicate(db, profileId, fields, null);
    const row = await insertUserExclusion(db, profileId, fields).catch(raceLost);
    res.status(201).location(`/api/profiles/${profileId}/exclusion-rules/users/${row.id}`).json(userExclusionView(row));
  });

  router.patch(`${path}/:ruleId`, async (req, res) => {
    const profileId = await profileParam(db, req);
    const current = await ruleParam(profileId, req);
    const change = userExclusionPatch.parse(req.body ?? {});
    const fields: UserExclusionFields = {
      userGid: change.userGid !== undefined ? change.userGid : current.user_gid,
      email: change.email !== undefined ? change.email : current.email,
      active: change.active ?? current.active,
      reason: change.reason !== undefined ? change.reason : current.reason,
    };
    if (fields.userGid === null && fields.email === null) {
      throw badRequest(`userGid, email: ${NEEDS_SOMEONE}`, { errors: [{ field: 'userGid', message: NEEDS_SOMEONE }, { field: 'email', message: NEEDS_SOMEONE }] });
    }
    await refuseDuplicate(db, profileId, fields, current.id);
    const row = await replaceUserExclusion(db, profileId, current.id, fields).catch(raceLost);
    if (!row) throw ruleMissing(current.id);
    res.json(userExclusionView(row));
  });

  router.delete(`${path}/:ruleId`, async (req, res) => {
    const profileId = await profileParam(db, req);
    const ruleId = uuidParam(req, 'ruleId', 'User exclusion rule');
    if (!(await deleteUserExclusion(db, profileId, ruleId))) throw ruleMissing(ruleId);
    res.status(204).end();
  });

  return router;
}
