import type { Logger } from 'pino';
import { z } from 'zod';
import { SimControlError } from './errors';
import { parseApp, parseFaults, parseScenario } from './inputs';
import { Simulator } from './simulator';
import type { Clock } from './time';
import type { AppInput, FaultsInput, FaultsState, ScenarioInput } from './types';

/** What `POST /_sim/orgs` takes: a key (the path segment), and the organization's scenario, apps and faults. */
export interface OrganizationInput {
  key: string;
  scenario?: Partial<ScenarioInput>;
  apps?: AppInput[];
  /** Its own rate limit, latency, errors...: the same settings as `POST /_sim/faults` on it. */
  faults?: FaultsInput;
}

export interface OrganizationSummary {
  key: string;
  /** Served under this path: `<simulator url><path>` is the organization's base URL. */
  path: string;
  workspaceGid: string;
  adminUserGid: string;
  people: number;
  faults: FaultsState;
}

const keySchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be 1-63 lower-case letters, digits or dashes, starting with a letter or digit');

const organizationSchema = z.strictObject({
  key: keySchema,
  scenario: z.record(z.string(), z.unknown()).optional(),
  apps: z.array(z.unknown()).max(20).optional(),
  faults: z.record(z.string(), z.unknown()).optional(),
});

/**
 * The organizations a simulator holds besides its own (the one at its root). Each is a Simulator of its own, so
 * nothing is shared between them: admin, apps and grants, tokens, rate limiter, faults (latency), request log.
 * Tokens are random, so a token of one organization is unknown to every other.
 */
export class Organizations {
  private readonly byKey = new Map<string, Simulator>();

  constructor(private readonly deps: { now: Clock; logger?: Logger }) {}

  create(input: OrganizationInput): OrganizationSummary {
    const parsed = organizationSchema.safeParse(input ?? {});
    if (!parsed.success) {
      const detail = parsed.error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(body)'}: ${i.message}`).join('; ');
      throw new SimControlError(400, `Invalid organization: ${detail}`);
    }
    const { key } = parsed.data;
    if (this.byKey.has(key)) throw new SimControlError(409, `An organization with key ${key} already exists.`);
    // Every part is checked before anything is built, so a refused request creates nothing.
    const scenario = parseScenario(parsed.data.scenario ?? {});
    const apps = (parsed.data.apps ?? []).map((a) => parseApp(a));
    const faults = parseFaults(parsed.data.faults ?? {});
    const sim = new Simulator({ scenario, apps, now: this.deps.now, ...(this.deps.logger ? { logger: this.deps.logger.child({ org: key }) } : {}) });
    sim.setFaults(faults);
    this.byKey.set(key, sim);
    return this.summary(key, sim);
  }

  get(key: string): Simulator | undefined {
    return this.byKey.get(key);
  }

  require(key: string): Simulator {
    const sim = this.byKey.get(key);
    if (!sim) throw new SimControlError(404, `No organization with key ${key}.`);
    return sim;
  }

  list(): OrganizationSummary[] {
    return [...this.byKey].map(([key, sim]) => this.summary(key, sim));
  }

  remove(key: string): void {
    this.require(key);
    this.byKey.delete(key);
  }

  private summary(key: string, sim: Simulator): OrganizationSummary {
    return { key, path: organizationPath(key), workspaceGid: sim.org.workspace.gid, adminUserGid: sim.adminUserGid, people: sim.org.members.length, faults: sim.getFaults() };
  }
}

export function organizationPath(key: string): string {
  return `/orgs/${key}`;
}
