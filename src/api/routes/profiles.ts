import crypto from 'node:crypto';
import { Router } from 'express';
import { WorkflowIdReusePolicy } from '@temporalio/client';
import type { ApiDeps } from '../deps';
import { badRequest, conflict, notFound } from '../problem';
import { createProfileSchema, DAY, paginationSchema, patchProfileSchema } from '../schemas';
import { profileParam } from './params';
import { profileWorkflowId, type ProfileOptions, type ProfileState } from '../../profiles/types';
import {
  childProfileIds,
  deleteProfileRow,
  dropChildTokens,
  getProfileRow,
  insertProfile,
  listProfileRows,
  profileView,
  setDisplayName,
  updateConnection,
} from '../../profiles/profileStore';
import { getConnection } from '../../profiles/connectionStore';
import { PROFILE_ID, PROFILE_STATUS } from '../../temporal/searchAttributes';
import {
  changeOptionsUpdate,
  connectionChangedUpdate,
  deleteProfileUpdate,
  publishUpdate,
  unpublishUpdate,
  validateUpdate,
} from '../../workflows/profile/definitions';

export function profilesRouter(deps: ApiDeps): Router {
  const { db, box, temporal } = deps;
  const now = deps.now ?? (() => new Date());
  const router = Router();
  const handle = (id: string) => temporal.workflow.getHandle(profileWorkflowId(id));

  async function loadView(id: string) {
    const row = await getProfileRow(db, id);
    if (!row) throw notFound(`Profile ${id}`);
    return profileView(row, await getConnection(db, id));
  }

  /** The connection a child will borrow its OAuth app from; only a profile with an app of its own qualifies. */
  async function parentConnection(parentId: string) {
    const parent = await getConnection(db, parentId);
    if (!parent) throw notFound(`Profile ${parentId} (connection.parentProfileId)`);
    if (parent.parentProfileId) throw conflict(`Profile ${parentId} is itself a child connection; use its parent ${parent.parentProfileId} instead.`);
    if (!parent.clientId || !parent.hasClientSecret) throw conflict(`Profile ${parentId} has no OAuth client ID and secret to share yet.`);
    return parent;
  }

  router.post('/profiles', async (req, res) => {
    const at = now();
    const body = createProfileSchema(at, deps.analyzeActivityMaxDays).parse(req.body ?? {});
    const parent = body.connection?.parentProfileId ? await parentConnection(body.connection.parentProfileId) : null;
    const id = crypto.randomUUID();
    const options: ProfileOptions = {
      downloadSubscriptions: true,
      downloadActivity: body.options?.downloadActivity ?? true,
      analyzeActivityFrom: body.options?.analyzeActivityFrom ?? new Date(at.getTime() - 60 * DAY).toISOString(),
      reclaimSubscriptions: body.options?.reclaimSubscriptions ?? true,
      reclaimCapPercent: body.options?.reclaimCapPercent ?? 10,
      reclaimDryRun: body.options?.reclaimDryRun ?? false,
      managerEmail: body.options?.managerEmail ?? null,
    };
    const state: ProfileState = {
      profileId: id,
      status: 'draft',
      options,
      connectionVersion: 1,
      authorized: false,
      validation: null,
      validationStaleReason: null,
      schedules: [],
    };
    // The row and the workflow appear together: if the workflow cannot start, the insert rolls back.
    await db.withTransaction(async (tx) => {
      await insertProfile(tx, box, {
        id,
        displayName: body.displayName,
        options,
        connection: {
          baseUrl: body.connection?.baseUrl ?? parent?.baseUrl ?? deps.defaultAsanaBaseUrl,
          parentProfileId: parent?.profileId,
          redirectUrl: `${deps.publicBaseUrl}/oauth_redirect`,
          clientId: body.connection?.clientId,
          clientSecret: body.connection?.clientSecret,
          workspaceGid: body.connection?.workspaceGid,
        },
      });
      await temporal.workflow.start('profileWorkflow', {
        workflowId: profileWorkflowId(id),
        taskQueue: deps.taskQueue,
        args: [{ state }],
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        typedSearchAttributes: [
          { key: PROFILE_ID, value: id },
          { key: PROFILE_STATUS, value: 'draft' },
        ],
        memo: { displayName: body.displayName },
      });
    });
    res.status(201).location(`/api/profiles/${id}`).json(await loadView(id));
  });

  router.get('/profiles', async (req, res) => {
    const page = paginationSchema.parse(req.query);
    const { rows, total } = await listProfileRows(db, page.limit, page.offset);
    const items = await Promise.all(rows.map(async (r) => profileView(r, await getConnection(db, r.id))));
    res.json({ items, total, limit: page.limit, offset: page.offset });
  });

  router.get('/profiles/:id', async (req, res) => {
    res.json(await loadView(await profileParam(db, req)));
  });

  router.patch('/profiles/:id', async (req, res) => {
    const id = await profileParam(db, req);
    // Everything is checked before anything is written, so a rejected request changes nothing.
    const body = patchProfileSchema(now(), deps.analyzeActivityMaxDays).parse(req.body ?? {});
    const before = await getConnection(db, id);
    if (body.connection?.parentProfileId !== undefined && body.connection.parentProfileId !== before?.parentProfileId) {
      throw badRequest('connection.parentProfileId cannot be changed; create a new profile for another parent.', { errors: [{ field: 'connection.parentProfileId', message: 'cannot be changed' }] });
    }
    if (before?.parentProfileId && (body.connection?.clientId !== undefined || body.connection?.clientSecret !== undefined)) {
      throw badRequest("This is a child connection: it uses its parent's OAuth app, so clientId and clientSecret belong on the parent.", { errors: [{ field: 'connection.clientId', message: 'set on the parent' }] });
    }
    if (body.displayName !== undefined) await setDisplayName(db, id, body.displayName);
    const { parentProfileId: _fixed, ...connectionChange } = body.connection ?? {};
    if (Object.keys(connectionChange).length > 0) {
      const { version, tokensDropped, children } = await db.withTransaction(async (tx) => {
        const result = await updateConnection(tx, box, id, connectionChange);
        const appChanged = connectionChange.clientId !== undefined || connectionChange.clientSecret !== undefined;
        return { ...result, children: appChanged ? await dropChildTokens(tx, id) : [] };
      });
      const connection = await getConnection(db, id);
      await handle(id).executeUpdate(connectionChangedUpdate, {
        args: [{ connectionVersion: version, authorized: connection?.hasTokens ?? false, reason: tokensDropped ? 'the connection\'s app changed; authorize again' : 'the connection changed' }],
      });
      for (const child of children) {
        await handle(child.profileId).executeUpdate(connectionChangedUpdate, {
          args: [{ connectionVersion: child.version, authorized: false, reason: "the parent connection's app changed; authorize again" }],
        });
      }
    }
    if (body.options && Object.keys(body.options).length > 0) {
      const { downloadSubscriptions: _alwaysOn, ...change } = body.options;
      await handle(id).executeUpdate(changeOptionsUpdate, { args: [change] });
    }
    res.json(await loadView(id));
  });

  router.delete('/profiles/:id', async (req, res) => {
    const id = await profileParam(db, req);
    const children = await childProfileIds(db, id);
    if (children.length > 0) {
      throw conflict(`Profile ${id} lends its OAuth app to child connections (${children.join(', ')}); delete those first.`);
    }
    await handle(id).executeUpdate(deleteProfileUpdate);
    await deleteProfileRow(db, id);
    res.status(204).end();
  });

  router.post('/profiles/:id/validate', async (req, res) => {
    const id = await profileParam(db, req);
    const validation = await handle(id).executeUpdate(validateUpdate);
    res.json({ validation, profile: await loadView(id) });
  });

  router.post('/profiles/:id/publish', async (req, res) => {
    const id = await profileParam(db, req);
    await handle(id).executeUpdate(publishUpdate);
    res.json(await loadView(id));
  });

  router.post('/profiles/:id/unpublish', async (req, res) => {
    const id = await profileParam(db, req);
    await handle(id).executeUpdate(unpublishUpdate);
    res.json(await loadView(id));
  });

  return router;
}
