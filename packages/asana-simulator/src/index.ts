import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { createSimulatorApp } from './http/app';
import { Organizations } from './organizations';
import { Simulator } from './simulator';
import type { Clock } from './time';
import type { AppInput, ScenarioInput } from './types';

export { createSimulatorApp } from './http/app';
export { DEMO_CLIENT_ID, demoApp } from './demoApp';
export { demoScenario } from './demo';
export type { RateDecision } from './rateLimiter';
export { SCENARIO_DEFAULTS } from './inputs';
export { SimControlError } from './errors';
export { TASKS_PER_PROJECT } from './stories';
export { Simulator, type SimulatorOptions } from './simulator';
export { Organizations, organizationPath, type OrganizationInput, type OrganizationSummary } from './organizations';
export type {
  AddUserInput,
  AppInput,
  AppSummary,
  AppendEventInput,
  AppendStoryInput,
  ServiceAccountInput,
  Tier,
  TokenKind,
  AuditLogMode,
  AuthorizeAsInput,
  FaultsInput,
  FaultsState,
  IssueTokenInput,
  MemberState,
  Plan,
  RequestLogEntry,
  ScenarioInput,
  SimulatorState,
} from './types';

export interface StartSimulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Defaults to 127.0.0.1: the simulator has unauthenticated control endpoints. */
  host?: string;
  scenario?: Partial<ScenarioInput>;
  apps?: AppInput[];
  logger?: Logger;
  /** Clock in epoch milliseconds, for tests that move time. */
  now?: Clock;
}

export interface RunningSimulator {
  /** Origin to use as the connection's base URL, like https://app.asana.com. */
  url: string;
  close(): Promise<void>;
  /** In-process handle: the same operations as the /_sim endpoints. */
  sim: Simulator;
  /** The extra organizations, each served under `${url}/orgs/<key>` (`POST /_sim/orgs` over HTTP). */
  orgs: Organizations;
}

export async function startSimulator(opts: StartSimulatorOptions = {}): Promise<RunningSimulator> {
  const sim = new Simulator({
    ...(opts.scenario !== undefined ? { scenario: opts.scenario } : {}),
    ...(opts.apps !== undefined ? { apps: opts.apps } : {}),
    ...(opts.logger !== undefined ? { logger: opts.logger } : {}),
    ...(opts.now !== undefined ? { now: opts.now } : {}),
  });
  // Idle connections stay open far longer than clients keep them (fetch: 4 s), so that a client never reuses a
  // socket the server is closing at that moment (a connection reset), even when a busy event loop runs the
  // server's timer late.
  const orgs = new Organizations({ now: sim.clock, ...(opts.logger !== undefined ? { logger: opts.logger } : {}) });
  const server = createServer({ keepAliveTimeout: 65_000, headersTimeout: 66_000 }, createSimulatorApp(sim, orgs));
  const host = opts.host ?? '127.0.0.1';
  await listen(server, opts.port ?? 0, host);
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  opts.logger?.info({ url, workspaceGid: sim.org.workspace.gid }, 'Asana simulator listening');
  let closing: Promise<void> | undefined;
  return {
    url,
    sim,
    orgs,
    close: () => {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // Keep-alive connections would otherwise hold close() open until they time out.
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
