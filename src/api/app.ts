import express from 'express';
import type { ApiDeps } from './deps';
import { requireBearerToken, requireRole } from './auth';
import { createTokenChecker } from '../access/tokens';
import { tokensRouter } from './routes/tokens';
import { meRouter } from './routes/me';
import { auditChanges } from './audit';
import { auditRouter } from './routes/audit';
import { notFound, problemHandler, sendProblem } from './problem';
import { profilesRouter } from './routes/profiles';
import { authorizeRouter, oauthRedirectRouter } from './routes/oauth';
import { scheduledJobsRouter } from './routes/scheduledJobs';
import { listsRouter } from './routes/lists';
import { runsRouter } from './routes/runs';
import { candidateActionsRouter } from './routes/candidateActions';
import { licenceRouter } from './routes/licence';
import { healthRouter, metricsHandler } from './health';
import { measureRequests } from './metricsMiddleware';
import { openApiRouter } from './openapi/router';
import { jsonBodyGuards, pathAndQueryGuard } from './requestGuards';
import { consoleSessions } from './console/sessions';
import { consoleAssetsRouter } from './console/assets';

/** The control API: `/api/**` behind the bearer token and its role, the OAuth redirect Asana sends browsers to, and the console at `/`. */
export function createApp(deps: ApiDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  if (deps.metrics) app.use(measureRequests(deps.metrics));
  app.use(healthRouter(deps));
  // Counts of runs, people and requests: for the operator's Prometheus, which sends the token too.
  const checkToken = createTokenChecker(deps.db, deps.apiToken);
  if (deps.metrics) app.get('/metrics', requireBearerToken(checkToken), requireRole(), metricsHandler(deps.metrics));
  app.use(pathAndQueryGuard);
  app.use(openApiRouter());
  app.use(oauthRedirectRouter(deps));
  app.use(candidateActionsRouter(deps));

  const api = express.Router();
  const bearerCheck = requireBearerToken(checkToken);
  // The console's session stands in for a missing Authorization header; the token check below stays the only one.
  api.use(consoleSessions(deps, bearerCheck));
  api.use(bearerCheck);
  api.use(requireRole());
  api.use(jsonBodyGuards());
  api.use(auditChanges(deps.db, deps.logger));
  api.use(auditRouter(deps));
  api.use(meRouter());
  api.use(tokensRouter(deps));
  api.use(profilesRouter(deps));
  api.use(authorizeRouter(deps));
  api.use(scheduledJobsRouter(deps));
  api.use(listsRouter(deps));
  api.use(runsRouter(deps));
  api.use(licenceRouter(deps));
  api.use((req, res) => sendProblem(res, notFound(`${req.method} ${req.baseUrl}${req.path}`)));
  app.use('/api', api);
  app.use(consoleAssetsRouter());

  app.use(problemHandler(deps.logger));
  return app;
}
