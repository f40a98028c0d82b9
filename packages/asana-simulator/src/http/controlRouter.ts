import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { SimControlError } from '../errors';
import type { Organizations } from '../organizations';
import type { Simulator } from '../simulator';
import { queryParam } from './respond';

/**
 * /_sim: drives the simulator from tests and tools in other processes. No authentication: it is a
 * local test double. Every route is the HTTP face of a method on Simulator.
 */
export function createControlRouter(sim: Simulator, orgs?: Organizations): Router {
  const router = express.Router();
  router.use(express.json({ limit: '1mb' }));

  if (orgs) {
    router.get('/orgs', (_req, res) => {
      res.json(orgs.list());
    });
    router.post('/orgs', (req, res) => {
      res.status(201).json(orgs.create(req.body));
    });
    router.delete('/orgs/:key', (req, res) => {
      orgs.remove(req.params.key);
      res.status(204).end();
    });
  }

  router.get('/apps', (_req, res) => {
    res.json(sim.listApps());
  });
  router.post('/apps', (req, res) => {
    res.json(sim.registerApp(req.body));
  });
  router.post('/scenario', (req, res) => {
    res.json(sim.loadScenario(req.body ?? {}));
  });
  router.get('/faults', (_req, res) => {
    res.json(sim.getFaults());
  });
  router.post('/faults', (req, res) => {
    res.json(sim.setFaults(req.body ?? {}));
  });
  router.delete('/faults', (_req, res) => {
    res.json(sim.clearFaults());
  });
  router.post('/authorize-as', (req, res) => {
    res.json(sim.authorizeAs(req.body ?? {}));
  });
  router.post('/tokens', (req, res) => {
    res.json(sim.issueToken(req.body ?? {}));
  });
  router.post('/users', (req, res) => {
    res.status(201).json(sim.addUser(req.body ?? {}));
  });
  router.delete('/users/:gid', (req, res) => {
    res.json(sim.memberLeaves(req.params.gid));
  });
  router.post('/events', (req, res) => {
    res.status(201).json(sim.appendEvent(req.body));
  });
  router.post('/stories', (req, res) => {
    res.status(201).json(sim.appendStory(req.body));
  });
  router.post('/service-accounts', (req, res) => {
    res.status(201).json(sim.createServiceAccount(req.body ?? {}));
  });
  router.get('/requests', (req, res) => {
    res.json(sim.requests(queryParam(req, 'since')));
  });
  router.delete('/requests', (_req, res) => {
    sim.clearRequests();
    res.status(204).end();
  });
  router.get('/state', (_req, res) => {
    res.json(sim.state());
  });

  router.use((req, res) => {
    res.status(404).json({ error: `No control endpoint ${req.method} ${req.baseUrl}${req.path}` });
  });
  router.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof SimControlError) {
      res.status(err.status).json({ error: err.message });
      return;
    }
    const status = (err as { status?: unknown }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      res.status(status).json({ error: `Could not read the request body: ${(err as Error).message}` });
      return;
    }
    sim.logger?.error({ err }, 'simulator control endpoint failed');
    res.status(500).json({ error: 'Internal simulator error; see its log.' });
  });
  return router;
}
