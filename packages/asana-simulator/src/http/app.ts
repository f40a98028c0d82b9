import express from 'express';
import type { Organizations } from '../organizations';
import type { Simulator } from '../simulator';
import { createApiRouter } from './apiRouter';
import { createControlRouter } from './controlRouter';
import { createOAuthRouter } from './oauthRouter';
import { createOrganizationsRouter } from './organizationsRouter';
import { requestLogger } from './requestLogger';

/**
 * The simulator's HTTP surface: Asana's API and OAuth, plus the /_sim control endpoints. With `orgs`, the extra
 * organizations too, each under `/orgs/<key>` (created with `POST /_sim/orgs`).
 */
export function createSimulatorApp(sim: Simulator, orgs?: Organizations): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.use(['/api', '/-'], requestLogger(sim));
  app.use('/api/1.0', createApiRouter(sim));
  app.use('/-', createOAuthRouter(sim));
  app.use('/_sim', createControlRouter(sim, orgs));
  if (orgs) app.use('/orgs', createOrganizationsRouter(orgs, (org) => createSimulatorApp(org)));
  app.get('/', (_req, res) => {
    res.json({
      name: 'Asana simulator',
      api: '/api/1.0',
      oauth: { authorize: '/-/oauth_authorize', token: '/-/oauth_token', revoke: '/-/oauth_revoke' },
      control: '/_sim',
      workspaceGid: sim.org.workspace.gid,
    });
  });
  app.use((req, res) => {
    res.status(404).type('text/plain').send(`Not found: ${req.method} ${req.path}`);
  });
  return app;
}
