import { Router } from 'express';
import type { ApiDeps } from '../../deps';
import { entitlementsRouter } from './entitlements';
import { licencePositionRouter } from './position';
import { exportsRouter } from './exports';

/** Entitlements, the licence position and the CSV exports of a profile. */
export function licenceRouter(deps: ApiDeps): Router {
  const router = Router();
  router.use(entitlementsRouter(deps));
  router.use(licencePositionRouter(deps));
  router.use(exportsRouter(deps));
  return router;
}
