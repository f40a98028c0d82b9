import type { Logger } from 'pino';
import { AuditLog } from './auditLog';
import { SimControlError } from './errors';
import { EventKindRegistry } from './eventKinds';
import { Faults } from './faults';
import {
  parseAddUser,
  parseApp,
  parseAppendEvent,
  parseAppendStory,
  parseServiceAccount,
  parseAuthorizeAs,
  parseFaults,
  parseIssueToken,
  parseScenario,
} from './inputs';
import { OAuthServer } from './oauth';
import { OffsetCodec } from './offsets';
import type { Member, Organization } from './organization';
import { SlidingWindowLimiter } from './rateLimiter';
import { RequestLog } from './requestLog';
import { projectCount, seedOrganization } from './scenario';
import { Stories } from './stories';
import { SeededHistory } from './seededHistory';
import { iso, type Clock } from './time';
import type {
  AddUserInput,
  AppInput,
  AppSummary,
  AppendEventInput,
  AppendStoryInput,
  ServiceAccountInput,
  AuthorizeAsInput,
  FaultsInput,
  FaultsState,
  IssueTokenInput,
  MemberState,
  RequestLogEntry,
  ScenarioInput,
  SimulatorState,
} from './types';

/** Service account tokens do not expire (an admin revokes them in the admin console). */
const SERVICE_ACCOUNT_TTL_SECONDS = 100 * 365 * 86_400;

const isoOrNull = (t: number | null) => (t === null ? null : iso(t));

export interface SimulatorOptions {
  scenario?: Partial<ScenarioInput>;
  apps?: AppInput[];
  /** Clock in epoch milliseconds; tests inject one to move time. */
  now?: Clock;
  logger?: Logger;
}

/** Everything that belongs to one loaded scenario and is replaced with it. */
interface World {
  scenario: ScenarioInput;
  org: Organization;
  auditLog: AuditLog;
  stories: Stories;
  /** Service accounts by user gid: admins of the organization that hold no seat (never listed as members). */
  serviceAccounts: Map<string, Member>;
  firstAdminGid: string;
  loadedAt: number;
  generation: number;
}

/**
 * The simulated Asana: one organization, its audit log, the OAuth server and the injected faults.
 * The HTTP layer is a thin translation of these operations; tests may call them in-process too.
 */
export class Simulator {
  readonly clock: Clock;
  readonly oauth: OAuthServer;
  readonly limiter = new SlidingWindowLimiter();
  readonly requestLog = new RequestLog();
  readonly offsets = new OffsetCodec();
  readonly faults: Faults;
  readonly logger: Logger | undefined;
  private world: World;
  private authorizeAsGid: string | null = null;
  private denyAuthorize = false;
  private addedUsers = 0;

  constructor(options: SimulatorOptions = {}) {
    this.clock = options.now ?? Date.now;
    this.logger = options.logger;
    this.oauth = new OAuthServer(this.clock);
    const scenario = parseScenario(options.scenario ?? {});
    this.faults = new Faults(scenario.seed);
    this.world = this.buildWorld(scenario, 1);
    for (const app of options.apps ?? []) this.registerApp(app);
  }

  get org(): Organization {
    return this.world.org;
  }

  get auditLog(): AuditLog {
    return this.world.auditLog;
  }

  get stories(): Stories {
    return this.world.stories;
  }

  get scenario(): ScenarioInput {
    return this.world.scenario;
  }

  /** The organization's first admin, whom the authorize endpoint approves as unless told otherwise. */
  get adminUserGid(): string {
    return this.world.firstAdminGid;
  }

  /** Changes with every scenario load, so offsets issued for an older organization are refused. */
  get generation(): number {
    return this.world.generation;
  }

  // ---- control operations (also served under /_sim) ----

  registerApp(input: AppInput): AppSummary {
    return this.oauth.registerApp(parseApp(input));
  }

  listApps(): AppSummary[] {
    return this.oauth.listApps();
  }

  loadScenario(input: Partial<ScenarioInput> = {}): { workspaceGid: string; adminUserGid: string } {
    const scenario = parseScenario(input);
    this.world = this.buildWorld(scenario, this.world.generation + 1);
    this.oauth.resetGrants();
    this.limiter.reset();
    this.faults.reseed(scenario.seed);
    this.authorizeAsGid = null;
    this.denyAuthorize = false;
    this.logger?.info({ workspaceGid: this.org.workspace.gid, people: this.org.members.length }, 'scenario loaded');
    return { workspaceGid: this.org.workspace.gid, adminUserGid: this.world.firstAdminGid };
  }

  setFaults(input: FaultsInput): FaultsState {
    const faults = parseFaults(input);
    this.faults.apply(faults);
    if (faults.revokeGrants) this.oauth.revokeEverything();
    if (faults.expireAccessTokens) this.oauth.expireAccessTokens();
    return this.getFaults();
  }

  clearFaults(): FaultsState {
    this.faults.clear();
    this.limiter.reset();
    return this.getFaults();
  }

  getFaults(): FaultsState {
    return this.faults.state(this.scenario.plan);
  }

  authorizeAs(input: AuthorizeAsInput): { userGid: string; deny: boolean } {
    const parsed = parseAuthorizeAs(input);
    if (parsed.userGid !== undefined && parsed.userGid !== null) this.requireCurrentMember(parsed.userGid);
    if (parsed.userGid !== undefined) this.authorizeAsGid = parsed.userGid;
    if (parsed.deny !== undefined) this.denyAuthorize = parsed.deny;
    return { userGid: this.authorizingUserGid(), deny: this.denyAuthorize };
  }

  /** A bearer token outside any OAuth grant, for tests that skip the OAuth dance. */
  issueToken(input: IssueTokenInput = {}): { accessToken: string; userGid: string; expiresAt: string } {
    const parsed = parseIssueToken(input);
    const member = this.requireCurrentMember(parsed.userGid ?? this.authorizingUserGid());
    const ttl = parsed.ttlSeconds ?? this.faults.tokenTtlSeconds();
    const accessToken = this.oauth.issueAccessToken(member.gid, null, ttl);
    return { accessToken, userGid: member.gid, expiresAt: iso(this.clock() + ttl * 1000) };
  }

  /**
   * A Service Account, as an admin creates one in Asana's admin console: an admin identity that holds no seat,
   * with a token that does not expire (the only kind the audit log answers).
   */
  createServiceAccount(input: ServiceAccountInput = {}): { token: string; userGid: string } {
    const parsed = parseServiceAccount(input);
    const n = this.world.serviceAccounts.size + 1;
    const account: Member = {
      index: -1,
      gid: this.org.gids.next(),
      membershipGid: '',
      name: parsed.name ?? `Service Account ${n}`,
      email: `service-account-${n}@${this.scenario.emailDomain}`,
      isAdmin: true,
      isGuest: false,
      isViewOnly: false,
      isActive: true,
      createdAt: this.clock(),
      removedAt: null,
      removedVia: null,
      activity: null,
      lastAppendedEventAt: null,
      lastAppendedMeaningfulAt: null,
      writesStories: false,
      auditActivity: 'none',
      projectSlots: [0, 0],
    };
    this.world.serviceAccounts.set(account.gid, account);
    const token = this.oauth.issueAccessToken(account.gid, null, SERVICE_ACCOUNT_TTL_SECONDS, 'service_account');
    return { token, userGid: account.gid };
  }

  /** The service account a token speaks for, if it is one of this organization's. */
  serviceAccountOf(token: { kind: string; userGid: string }): Member | undefined {
    return token.kind === 'service_account' ? this.world.serviceAccounts.get(token.userGid) : undefined;
  }

  /** A story by a person (a comment unless told otherwise), as if they had just worked on a task. */
  appendStory(input: AppendStoryInput): { gid: string; taskGid: string; createdAt: string; resourceSubtype: string } {
    const parsed = parseAppendStory(input);
    const actor = this.requireCurrentMember(parsed.actorGid);
    const now = this.clock();
    const createdAt = parsed.createdAt !== undefined ? Date.parse(parsed.createdAt) : now;
    if (createdAt > now) throw new SimControlError(400, 'createdAt cannot be in the future: stories only record what happened.');
    const task = parsed.taskGid !== undefined ? this.stories.taskOf(parsed.taskGid) : undefined;
    if (task === null) throw new SimControlError(404, `No task with gid ${parsed.taskGid} in this organization.`);
    const subtype = parsed.resourceSubtype ?? 'comment_added';
    const { record, task: on } = this.stories.append(actor, createdAt, subtype, task);
    return { gid: record.gid, taskGid: this.stories.taskGid(on), createdAt: iso(record.at), resourceSubtype: subtype };
  }

  addUser(input: AddUserInput = {}): MemberState {
    const parsed = parseAddUser(input);
    const now = this.clock();
    const n = ++this.addedUsers;
    const domain = this.scenario.emailDomain;
    let email = parsed.email?.toLowerCase() ?? `new.user.${n}@${domain}`;
    if (parsed.email && this.org.hasEmail(email)) throw new SimControlError(409, `A person with email ${email} already exists.`);
    while (this.org.hasEmail(email)) email = `new.user.${n}.${this.org.members.length}@${domain}`;
    const createdAt = parsed.createdAt !== undefined ? Date.parse(parsed.createdAt) : now;
    if (createdAt > now) throw new SimControlError(400, 'createdAt cannot be in the future.');
    const member = this.org.add({
      gid: this.org.gids.next(),
      membershipGid: this.org.gids.next(),
      name: parsed.name ?? `New User ${n}`,
      email,
      isAdmin: parsed.isAdmin ?? false,
      isGuest: parsed.isGuest ?? false,
      isViewOnly: parsed.isViewOnly ?? false,
      isActive: true,
      createdAt,
      removedAt: null,
      removedVia: null,
      activity: null,
      lastAppendedEventAt: null,
      lastAppendedMeaningfulAt: null,
      writesStories: true,
      auditActivity: 'all',
      projectSlots: [n % this.stories.projects, (n * 7) % this.stories.projects],
    });
    this.stories.addPerson(member);
    return this.memberState(member);
  }

  /** The person leaves the organization on their own (or an admin removes them in the UI). */
  memberLeaves(userGid: string): MemberState {
    const member = this.requireMember(userGid);
    if (member.removedAt !== null) throw new SimControlError(409, `User ${userGid} is no longer a member.`);
    this.markRemoved(member, 'left');
    return this.memberState(member);
  }

  appendEvent(input: AppendEventInput): { gid: string; createdAt: string; eventType: string } {
    const parsed = parseAppendEvent(input);
    const actor = this.requireMember(parsed.actorGid);
    const now = this.clock();
    const createdAt = parsed.createdAt !== undefined ? Date.parse(parsed.createdAt) : now;
    if (createdAt > now) throw new SimControlError(400, 'createdAt cannot be in the future: the audit log only records what happened.');
    const eventType = parsed.eventType ?? 'user_login_succeeded';
    const event = this.auditLog.append({ actor, eventType, createdAt });
    return { gid: String(event.g), createdAt: iso(event.t), eventType };
  }

  requests(since?: string | Date): RequestLogEntry[] {
    if (since === undefined) return this.requestLog.list();
    const ms = since instanceof Date ? since.getTime() : Date.parse(since);
    if (Number.isNaN(ms)) throw new SimControlError(400, 'since must be an ISO date-time.');
    return this.requestLog.list(ms);
  }

  clearRequests(): void {
    this.requestLog.clear();
  }

  state(): SimulatorState {
    const { workspace } = this.org;
    return {
      workspace: {
        gid: workspace.gid,
        name: workspace.name,
        isOrganization: workspace.isOrganization,
        emailDomains: [...workspace.emailDomains],
        auditLog: this.scenario.auditLog,
        plan: this.scenario.plan,
        tier: this.scenario.tier,
      },
      scenario: { ...this.scenario },
      loadedAt: iso(this.world.loadedAt),
      adminUserGid: this.world.firstAdminGid,
      authorizeAs: { userGid: this.authorizingUserGid(), deny: this.denyAuthorize },
      members: this.org.members.map((m) => this.memberState(m)),
      apps: this.listApps(),
      oauth: this.oauth.stats(),
      faults: this.getFaults(),
    };
  }

  // ---- used by the API and OAuth routes ----

  authorizingUserGid(): string {
    return this.authorizeAsGid ?? this.world.firstAdminGid;
  }

  authorizeDenied(): boolean {
    return this.denyAuthorize;
  }

  isCurrentMember(userGid: string): boolean {
    const member = this.org.findByGid(userGid);
    return member !== undefined && member.removedAt === null;
  }

  /** removeUser through the API: the caller is recorded as the actor of a user_deprovisioned event. */
  removeUserViaApi(caller: Member, target: Member, context: { appName: string | null; ip: string | null }): void {
    this.markRemoved(target, 'removeUser');
    // A service account is no person of the organization: its removals are not in the seeded people's log.
    if (caller.index < 0) return;
    this.auditLog.append({ actor: caller, eventType: 'user_deprovisioned', createdAt: this.clock(), target, api: context });
  }

  /**
   * addUser through the API: a removed member is a member again, with the same gid, licence flags and history
   * (Asana does not give back what it moved on removal: see the README). Adding a current member changes nothing.
   */
  addUserViaApi(target: Member): void {
    if (target.removedAt === null) return;
    target.removedAt = null;
    target.removedVia = null;
  }

  memberState(m: Member): MemberState {
    const last = this.auditLog.lastEventAt(m);
    return {
      gid: m.gid,
      membershipGid: m.membershipGid,
      name: m.name,
      email: m.email,
      isAdmin: m.isAdmin,
      isGuest: m.isGuest,
      isViewOnly: m.isViewOnly,
      isActive: m.isActive,
      createdAt: iso(m.createdAt),
      removedAt: m.removedAt === null ? null : iso(m.removedAt),
      removedVia: m.removedVia,
      lastEventAt: last === null ? null : iso(last),
      lastStoryAt: isoOrNull(this.stories.lastStoryAt(m)),
      lastAuditEventAt: isoOrNull(this.auditLog.lastMeaningfulEventAt(m)),
    };
  }

  private markRemoved(member: Member, via: 'removeUser' | 'left'): void {
    member.removedAt = this.clock();
    member.removedVia = via;
    this.oauth.revokeUser(member.gid);
  }

  private requireMember(userGid: string): Member {
    const member = this.org.findByGid(userGid);
    if (!member) throw new SimControlError(404, `No user with gid ${userGid} in this organization.`);
    return member;
  }

  private requireCurrentMember(userGid: string): Member {
    const member = this.requireMember(userGid);
    if (member.removedAt !== null) throw new SimControlError(409, `User ${userGid} is no longer a member.`);
    return member;
  }

  private buildWorld(scenario: ScenarioInput, generation: number): World {
    const loadedAt = this.clock();
    const { org, firstAdminGid } = seedOrganization(scenario, loadedAt);
    const kinds = new EventKindRegistry();
    const history = new SeededHistory(scenario.seed, loadedAt, scenario.days, scenario.eventsPerUserPerDay, org.members, kinds);
    const auditLog = new AuditLog(org, history, kinds, scenario.auditLogRetentionDays);
    const stories = new Stories(scenario.seed, loadedAt, scenario.days, scenario.storiesPerUserPerDay, org.members, projectCount(scenario));
    return { scenario, org, auditLog, stories, serviceAccounts: new Map(), firstAdminGid, loadedAt, generation };
  }
}
