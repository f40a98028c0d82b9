import crypto from 'node:crypto';
import { profileSummary } from '../../runs/summaries';
import { renameSchedules } from '../../temporal/scheduleNames';
import { Router } from 'express';
import { WorkflowIdReusePolicy, WorkflowNotFoundError } from '@temporalio/client';
import type { z } from 'zod';
import type { ApiDeps } from '../deps';
import { badRequest, conflict, notFound } from '../problem';
import { createProfileSchema, paginationSchema, patchProfileSchema } from '../schemas';
import { withOptionDefaults } from '../../profiles/options';
import { profileParam } from './params';
import { principalOf } from '../principal';
import { recordAudit } from '../audit';
import { assertUnlimited } from '../../access/roles';
import { profileWorkflowId, type ProfileState } from '../../profiles/types';
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
} from '../../store/profiles';
import { getConnection, type ConnectionRecord } from '../../store/profiles';
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

  /** A profile whose workflow has ended (deleted meanwhile, or terminated by an operator) takes no changes. */
  async function assertWorkflowRunning(id: string): Promise<void> {
    const status = await handle(id)
      .describe()
      .then((d) => d.status.name)
      .catch((err: unknown) => {
        if (err instanceof WorkflowNotFoundError) return 'NOT_FOUND';
        throw err;
      });
    if (status === 'NOT_FOUND') throw notFound(`Profile ${id}`);
    if (status !== 'RUNNING') throw conflict(`Profile ${id} is not running in Temporal (its workflow is ${status.toLowerCase()}); nothing was changed. An operator can find it as profile/${id} in the Temporal UI.`);
  }

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

  /** A child's base URL must be one its parent's secret was registered for: the parent's own, or one it allows. */
  function childBaseUrl(parent: ConnectionRecord, wanted: string | undefined): string {
    if (wanted === undefined || wanted === parent.baseUrl || parent.childBaseUrls.includes(wanted)) return wanted ?? parent.baseUrl;
    const message = `a child connection uses its parent's base URL (${parent.baseUrl}); another one must first be allowed on the parent (connection.childBaseUrls)`;
    throw badRequest(`connection.baseUrl: ${message}`, { errors: [{ field: 'connection.baseUrl', message }] });
  }

  router.post('/profiles', async (req, res) => {
    assertUnlimited(principalOf(res), 'Creating a profile');
    const at = now();
    const body = createProfileSchema(at, deps.analyzeActivityMaxDays).parse(req.body ?? {});
    const parent = body.connection?.parentProfileId ? await parentConnection(body.connection.parentProfileId) : null;
    const baseUrl = parent ? childBaseUrl(parent, body.connection?.baseUrl) : (body.connection?.baseUrl ?? deps.defaultAsanaBaseUrl);
    const id = crypto.randomUUID();
    const options = withOptionDefaults(body.options ?? {}, at);
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
          baseUrl,
          parentProfileId: parent?.profileId,
          childBaseUrls: body.connection?.childBaseUrls,
          redirectUrl: `${deps.publicBaseUrl}/oauth_redirect`,
          clientId: body.connection?.clientId,
          clientSecret: body.connection?.clientSecret,
          workspaceGid: body.connection?.workspaceGid,
          serviceAccountToken: body.connection?.serviceAccountToken,
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
        staticSummary: profileSummary(body.displayName),
      });
    });
    res.status(201).location(`/api/profiles/${id}`).json(await loadView(id));
  });

  router.get('/profiles', async (req, res) => {
    const page = paginationSchema.parse(req.query);
    const { rows, total } = await listProfileRows(db, page.limit, page.offset, principalOf(res).profileIds);
    const items = await Promise.all(rows.map(async (r) => profileView(r, await getConnection(db, r.id))));
    res.json({ items, total, limit: page.limit, offset: page.offset });
  });

  router.get('/profiles/:id', async (req, res) => {
    res.json(await loadView(await profileParam(db, req)));
  });

  /** Why a connection change cannot be made, checked before anything is written. */
  async function connectionChangeProblem(before: ConnectionRecord, change: NonNullable<z.infer<ReturnType<typeof patchProfileSchema>>['connection']>) {
    const field = (name: string, message: string) => badRequest(`connection.${name}: ${message}`, { errors: [{ field: `connection.${name}`, message }] });
    if (change.parentProfileId !== undefined && change.parentProfileId !== before.parentProfileId) {
      return field('parentProfileId', 'cannot be changed; create a new profile for another parent');
    }
    if (before.parentProfileId) {
      if (change.clientId !== undefined || change.clientSecret !== undefined) {
        return badRequest("This is a child connection: it uses its parent's OAuth app, so clientId and clientSecret belong on the parent.", {
          errors: [{ field: 'connection.clientId', message: 'set on the parent' }],
        });
      }
      if (change.childBaseUrls !== undefined) return field('childBaseUrls', 'a child connection cannot lend its app onward');
      if (change.baseUrl !== undefined) childBaseUrl((await getConnection(db, before.parentProfileId))!, change.baseUrl);
      return null;
    }
    // The secret was entered for this host: sending it to another needs it entered again.
    if (change.baseUrl !== undefined && change.baseUrl !== before.baseUrl && change.clientSecret === undefined && before.hasClientSecret) {
      return field('clientSecret', `send the client secret again to move the connection to ${change.baseUrl}: a secret is only sent to the host it was given for`);
    }
    return null;
  }

  router.patch('/profiles/:id', async (req, res) => {
    const id = await profileParam(db, req);
    // Everything is checked before anything is written, so a rejected request changes nothing.
    const body = patchProfileSchema(now(), deps.analyzeActivityMaxDays).parse(req.body ?? {});
    const viewBefore = await loadView(id);
    const before = (await getConnection(db, id))!;
    const problem = body.connection ? await connectionChangeProblem(before, body.connection) : null;
    if (problem) throw problem;
    await assertWorkflowRunning(id);

    const { parentProfileId: _fixed, ...connectionChange } = body.connection ?? {};
    if (Object.keys(connectionChange).length > 0) {
      // The workflows are told inside the transaction: if one cannot be told, the connection stays as it was.
      await db.withTransaction(async (tx) => {
        const { version, tokensDropped } = await updateConnection(tx, box, id, connectionChange);
        const appChanged = connectionChange.clientId !== undefined || connectionChange.clientSecret !== undefined || connectionChange.baseUrl !== undefined;
        const children = appChanged ? await dropChildTokens(tx, id, 'all') : connectionChange.childBaseUrls ? await dropChildTokens(tx, id, 'disallowed') : [];
        const connection = await getConnection(tx, id);
        await handle(id).executeUpdate(connectionChangedUpdate, {
          args: [{ connectionVersion: version, authorized: connection?.hasTokens ?? false, reason: tokensDropped ? "the connection's app changed; authorize again" : 'the connection changed' }],
        });
        for (const child of children) {
          await handle(child.profileId).executeUpdate(connectionChangedUpdate, {
            args: [{ connectionVersion: child.version, authorized: false, reason: "the parent connection's app changed; authorize again" }],
          });
        }
      });
    }
    if (body.options && Object.keys(body.options).length > 0) {
      const { downloadSubscriptions: _alwaysOn, ...change } = body.options;
      await handle(id).executeUpdate(changeOptionsUpdate, { args: [change] });
    }
    // Last: the name is the one change no workflow has to agree to.
    if (body.displayName !== undefined) {
      await setDisplayName(db, id, body.displayName);
      await renameSchedules(temporal, id, body.displayName);
    }
    const after = await loadView(id);
    recordAudit(res, { before: viewBefore, after });
    res.json(after);
  });

  router.delete('/profiles/:id', async (req, res) => {
    const id = await profileParam(db, req);
    const children = await childProfileIds(db, id);
    if (children.length > 0) {
      throw conflict(`Profile ${id} lends its OAuth app to child connections (${children.join(', ')}); delete those first.`);
    }
    recordAudit(res, { before: await loadView(id) });
    await handle(id).executeUpdate(deleteProfileUpdate);
    await deleteProfileRow(db, id);
    res.status(204).end();
  });

  router.post('/profiles/:id/validate', async (req, res) => {
    const id = await profileParam(db, req);
    const validation = await handle(id).executeUpdate(validateUpdate);
    recordAudit(res, { after: { passed: validation.passed, checks: validation.checks.map((c) => ({ name: c.name, passed: c.passed })) } });
    res.json({ validation, profile: await loadView(id) });
  });

  router.post('/profiles/:id/publish', async (req, res) => {
    const id = await profileParam(db, req);
    const before = (await loadView(id)).status;
    await handle(id).executeUpdate(publishUpdate);
    const view = await loadView(id);
    recordAudit(res, { before: { status: before }, after: { status: view.status, schedules: view.schedules } });
    res.json(view);
  });

  router.post('/profiles/:id/unpublish', async (req, res) => {
    const id = await profileParam(db, req);
    const before = (await loadView(id)).status;
    await handle(id).executeUpdate(unpublishUpdate);
    const view = await loadView(id);
    recordAudit(res, { before: { status: before }, after: { status: view.status, schedules: view.schedules } });
    res.json(view);
  });

  return router;
}
