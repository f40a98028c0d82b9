import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Organizations } from '../organizations';
import type { Simulator } from '../simulator';

/**
 * `/orgs/<key>/...`: each extra organization's whole surface (API, OAuth, `/_sim`) under its own prefix, so a
 * connection's base URL `http://host:port/orgs/<key>` reaches that organization and nothing else.
 */
export function createOrganizationsRouter(orgs: Organizations, appOf: (sim: Simulator) => express.Express): Router {
  const router = express.Router();
  // One Express app per organization, made when it is first reached.
  const apps = new WeakMap<Simulator, express.Express>();
  router.use('/:key', (req: Request<{ key: string }>, res: Response, next: NextFunction) => {
    const sim = orgs.get(req.params.key);
    if (!sim) {
      res.status(404).type('text/plain').send(`No organization with key ${req.params.key}`);
      return;
    }
    let app = apps.get(sim);
    if (!app) {
      app = appOf(sim);
      apps.set(sim, app);
    }
    app(req, res, next);
  });
  return router;
}
