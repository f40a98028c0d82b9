import express, { type Router } from 'express';
import type { Simulator } from '../simulator';
import { apiErrorHandler, apiGate } from './apiAuth';
import { sendApiError } from './respond';
import { registerAuditLogRoutes } from './routes/auditLog';
import { registerProjectRoutes } from './routes/projects';
import { registerMembershipRoutes } from './routes/memberships';
import { registerUserRoutes } from './routes/users';
import { registerWorkspaceRoutes } from './routes/workspaces';

/** Everything under /api/1.0: the slice of Asana's REST API the licence service uses. */
export function createApiRouter(sim: Simulator): Router {
  const router = express.Router();
  router.use(apiGate(sim));
  router.use(express.json({ limit: '1mb' }));
  router.use(express.urlencoded({ extended: false, limit: '1mb' }));
  registerUserRoutes(router, sim);
  registerWorkspaceRoutes(router, sim);
  registerMembershipRoutes(router, sim);
  registerAuditLogRoutes(router, sim);
  registerProjectRoutes(router, sim);
  router.use((req, res) => sendApiError(req, res, 404, 'No matching route for request'));
  router.use(apiErrorHandler(sim));
  return router;
}
