// The Asana REST client the activities use. It owns the two things every call must get right:
// answering a 401 with one token refresh, and never sending again before a 429's Retry-After has
// passed. Anything it cannot settle in-process is thrown as a typed error for `toActivityFailure`.
import type { Logger } from 'pino';
import { apiErrorOf, dataOf, pageOf, parseJson } from './envelope';
import { AsanaAuthError, AsanaRateLimitError, AsanaUnavailableError, OAuthError } from './errors';
import { parseRetryAfter, send, sleepUntil } from './http';
import type { Release } from './pacer';
import type {
  AuditLogActorType,
  AuditLogEvent,
  Page,
  Project,
  Story,
  Task,
  TokenProvider,
  User,
  UserWorkspaceMembership,
  Workspace,
  WorkspaceMembership,
} from './types';

export type { TokenProvider } from './types';
export { AsanaApiError, AsanaAuthError, AsanaRateLimitError, AsanaUnavailableError, OAuthError } from './errors';

export interface WaitInfo {
  /** `rate_limit`: sitting out a 429's Retry-After; `server_error`: backing off after a 5xx or a network error. */
  reason: 'rate_limit' | 'server_error';
  /** How much of the wait is left. */
  waitMs: number;
}

/** What a client needs of its token's pacer (pacer.ts): a place for each request, and a 429 to share. */
export interface TokenPacer {
  acquire(signal?: AbortSignal): Promise<Release>;
  /** A `performance.now()` time before which no client of the token sends. */
  holdUntil(time: number): void;
}

export interface AsanaClientOptions {
  /** Origin such as https://app.asana.com; the API is under `/api/1.0`. */
  baseUrl: string;
  tokens: TokenProvider;
  logger?: Logger;
  /** How many 429s one call may sit out in-process before giving up. Default 5. */
  maxRateLimitWaits?: number;
  /** The longest Retry-After waited out in-process; longer ones are thrown to Temporal. Default 60 s. */
  maxRateLimitWaitMs?: number;
  /**
   * Called before each rate-limit wait and again every `waitTickMs` while it lasts, so an activity
   * can heartbeat through a wait longer than its heartbeat timeout.
   */
  onWait?: (info: WaitInfo) => void | Promise<void>;
  /** Default 10 s. */
  waitTickMs?: number;
  /** Per request, body included. Default 30 s. */
  timeoutMs?: number;
  /** Aborts requests and waits, e.g. an activity's cancellation signal; its reason is rethrown. */
  signal?: AbortSignal;
  /**
   * How many times one GET is sent again after a 5xx, a network error or a garbled answer, with jittered
   * exponential backoff, before the error is thrown. Default 0: the caller decides. A POST is never sent again
   * here: Asana may have carried it out before its answer was lost.
   */
  transientRetries?: number;
  /** The first backoff; each further one doubles (at most 4 s), jittered by ±50%. Default 200 ms. */
  transientBackoffMs?: number;
  /** Told about every answer Asana gave (metrics). */
  onResponse?: (info: { method: string; path: string; status: number }) => void;
  /** Told when a wait begins (metrics); `onWait` is what keeps an activity heartbeating through it. */
  onWaitStart?: (info: WaitInfo) => void;
  /**
   * Paces every request to the token's budget before it is sent, shared by every client of the token; the 429
   * handling below stays as the backstop. Without one, requests go out as fast as they are made.
   */
  pacer?: TokenPacer;
}

export interface MembershipPageOptions {
  /** Default: user.name, user.email and the flags and dates a licence download needs. */
  optFields?: string[];
  /** 1 to 100; default 100. */
  limit?: number;
  /** Resume from a cursor a previous page gave. */
  offset?: string;
}

export interface AuditLogPageOptions {
  startAt?: Date | string;
  endAt?: Date | string;
  eventType?: string;
  actorType?: AuditLogActorType;
  actorGid?: string;
  resourceGid?: string;
  limit?: number;
  /** Resume from a stored watermark. */
  offset?: string;
}

export interface ListPageOptions {
  optFields?: string[];
  /** 1 to 100; default 100. */
  limit?: number;
  offset?: string;
}

export const DEFAULT_MEMBERSHIP_FIELDS = [
  'user.name',
  'user.email',
  'is_active',
  'is_admin',
  'is_guest',
  'is_view_only',
  'created_at',
];

const USER_MEMBERSHIP_FIELDS = ['workspace', 'workspace.name', 'is_active', 'is_admin', 'is_guest', 'is_view_only'];
const WORKSPACE_FIELDS = ['name', 'is_organization'];

type Query = Record<string, string | number | undefined>;

interface RequestSpec {
  method: 'GET' | 'POST';
  path: string;
  query?: Query;
  body?: unknown;
}

export class AsanaClient {
  private readonly apiBase: string;
  private readonly tokens: TokenProvider;
  private readonly logger: Logger | undefined;
  private readonly maxRateLimitWaits: number;
  private readonly maxRateLimitWaitMs: number;
  private readonly onWait: AsanaClientOptions['onWait'];
  private readonly waitTickMs: number;
  private readonly timeoutMs: number;
  private readonly signal: AbortSignal | undefined;
  private readonly transientRetries: number;
  private readonly transientBackoffMs: number;
  private readonly onResponse: AsanaClientOptions['onResponse'];
  private readonly onWaitStart: AsanaClientOptions['onWaitStart'];
  private readonly pacer: TokenPacer | undefined;
  /**
   * Until when Asana asked this client's token to wait (a `performance.now()` time). Shared by the client's
   * concurrent requests: once one meets a 429, none is sent before its Retry-After, since rejected requests
   * count against the quota too.
   */
  private blockedUntil = 0;

  constructor(opts: AsanaClientOptions) {
    this.apiBase = `${opts.baseUrl.replace(/\/+$/, '')}/api/1.0`;
    this.tokens = opts.tokens;
    this.logger = opts.logger;
    this.maxRateLimitWaits = opts.maxRateLimitWaits ?? 5;
    this.maxRateLimitWaitMs = opts.maxRateLimitWaitMs ?? 60_000;
    this.onWait = opts.onWait;
    this.waitTickMs = opts.waitTickMs ?? 10_000;
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.signal = opts.signal;
    this.transientRetries = opts.transientRetries ?? 0;
    this.transientBackoffMs = opts.transientBackoffMs ?? 200;
    this.onResponse = opts.onResponse;
    this.onWaitStart = opts.onWaitStart;
    this.pacer = opts.pacer;
  }

  async getMe(optFields?: string[]): Promise<User> {
    const json = await this.request({ method: 'GET', path: '/users/me', query: { opt_fields: joinFields(optFields) } });
    return dataOf<User>(json, 'GET /users/me');
  }

  async getWorkspace(workspaceGid: string, optFields: string[] = WORKSPACE_FIELDS): Promise<Workspace> {
    const path = `/workspaces/${seg(workspaceGid)}`;
    const json = await this.request({ method: 'GET', path, query: { opt_fields: joinFields(optFields) } });
    return dataOf<Workspace>(json, `GET ${path}`);
  }

  async listWorkspaces(optFields: string[] = WORKSPACE_FIELDS): Promise<Workspace[]> {
    return this.collect<Workspace>('/workspaces', { opt_fields: joinFields(optFields) });
  }

  /** The workspaces `userGid` (or `'me'`) belongs to, with `is_admin`. */
  async getUserWorkspaceMemberships(
    userGid: string,
    optFields: string[] = USER_MEMBERSHIP_FIELDS,
  ): Promise<UserWorkspaceMembership[]> {
    return this.collect<UserWorkspaceMembership>(`/users/${seg(userGid)}/workspace_memberships`, {
      opt_fields: joinFields(optFields),
    });
  }

  /**
   * Every membership of a workspace, a page at a time, ending after the page whose `next_page` is
   * null. Persisting `nextOffset` after each page lets a retried activity resume there.
   */
  async *workspaceMembershipPages(
    workspaceGid: string,
    opts: MembershipPageOptions = {},
  ): AsyncGenerator<Page<WorkspaceMembership>, void, undefined> {
    const path = `/workspaces/${seg(workspaceGid)}/workspace_memberships`;
    yield* this.pages<WorkspaceMembership>(path, { opt_fields: joinFields(opts.optFields ?? DEFAULT_MEMBERSHIP_FIELDS), limit: opts.limit ?? 100 }, opts.offset);
  }

  /**
   * Audit-log events oldest first. Asana keeps handing out `next_page` while the filters match, so
   * the walk ends at the first page with no events (still yielded: its `nextOffset` is the newest
   * cursor) or when `next_page` is null. Keep the last non-null `nextOffset` as the watermark.
   */
  async *auditLogEventPages(
    workspaceGid: string,
    opts: AuditLogPageOptions = {},
  ): AsyncGenerator<Page<AuditLogEvent>, void, undefined> {
    const path = `/workspaces/${seg(workspaceGid)}/audit_log_events`;
    const query: Query = {
      start_at: isoOf(opts.startAt),
      end_at: isoOf(opts.endAt),
      event_type: opts.eventType,
      actor_type: opts.actorType,
      actor_gid: opts.actorGid,
      resource_gid: opts.resourceGid,
      limit: opts.limit,
    };
    yield* this.pages<AuditLogEvent>(path, query, opts.offset, { stopWhenEmpty: true });
  }

  /** The projects of a workspace, a page at a time. */
  async *projectPages(workspaceGid: string, opts: ListPageOptions = {}): AsyncGenerator<Page<Project>, void, undefined> {
    yield* this.pages<Project>(`/workspaces/${seg(workspaceGid)}/projects`, { opt_fields: joinFields(opts.optFields), limit: opts.limit ?? 100 }, opts.offset);
  }

  /** A project's tasks modified since an instant (every task when none is given), a page at a time. */
  async *taskPages(projectGid: string, opts: ListPageOptions & { modifiedSince?: Date | string } = {}): AsyncGenerator<Page<Task>, void, undefined> {
    const query: Query = { project: projectGid, modified_since: isoOf(opts.modifiedSince), opt_fields: joinFields(opts.optFields), limit: opts.limit ?? 100 };
    yield* this.pages<Task>('/tasks', query, opts.offset);
  }

  /** A task's stories, oldest first, a page at a time. */
  async *storyPages(taskGid: string, opts: ListPageOptions = {}): AsyncGenerator<Page<Story>, void, undefined> {
    yield* this.pages<Story>(`/tasks/${seg(taskGid)}/stories`, { opt_fields: joinFields(opts.optFields), limit: opts.limit ?? 100 }, opts.offset);
  }

  /** Removes the user from the workspace or organization (the caller must be an admin). */
  async removeUser(workspaceGid: string, userGid: string): Promise<void> {
    await this.request({
      method: 'POST',
      path: `/workspaces/${seg(workspaceGid)}/removeUser`,
      body: { data: { user: userGid } },
    });
  }

  /** Adds the user (back) to the workspace or organization (the caller must be an admin). */
  async addUser(workspaceGid: string, userGid: string): Promise<void> {
    await this.request({
      method: 'POST',
      path: `/workspaces/${seg(workspaceGid)}/addUser`,
      body: { data: { user: userGid } },
    });
  }

  /** Short lists (a user's workspaces) read whole. */
  private async collect<T>(path: string, query: Query): Promise<T[]> {
    const out: T[] = [];
    for await (const page of this.pages<T>(path, { ...query, limit: 100 })) out.push(...page.data);
    return out;
  }

  /**
   * The one page walk: GETs `path` from `offset` on, yielding each page, until Asana gives no `next_page` (or,
   * with `stopWhenEmpty`, answers a page with no data: a stream such as the audit log, caught up).
   */
  private async *pages<T>(path: string, query: Query, offset?: string, opts: { stopWhenEmpty?: boolean } = {}): AsyncGenerator<Page<T>, void, undefined> {
    let cursor = offset;
    for (;;) {
      const json = await this.request({ method: 'GET', path, query: { ...query, offset: cursor } });
      const page = pageOf<T>(json, `GET ${path}`);
      yield page;
      if (page.nextOffset === null || (opts.stopWhenEmpty && page.data.length === 0)) return;
      cursor = page.nextOffset;
    }
  }

  private async request(spec: RequestSpec): Promise<unknown> {
    const what = `${spec.method} ${spec.path}`;
    const url = this.urlOf(spec);
    let token = await this.tokenCall(() => this.tokens.getAccessToken());
    let refreshed = false;
    let waits = 0;
    let transientFailures = 0;
    /** Whether a transient failure is sat out here (it is thrown otherwise). */
    const backOff = async (err: Error): Promise<boolean> => {
      if (spec.method !== 'GET' || transientFailures >= this.transientRetries) return false;
      transientFailures += 1;
      const waitMs = Math.round(Math.min(4_000, this.transientBackoffMs * 2 ** (transientFailures - 1)) * (0.5 + Math.random()));
      this.logger?.info({ path: spec.path, attempt: transientFailures, waitMs, error: err.message }, 'asana request failed; retrying');
      await this.waitOut(performance.now() + waitMs, waitMs, 'server_error');
      return true;
    };
    for (;;) {
      if (this.blockedUntil > performance.now()) await this.waitOut(this.blockedUntil, this.blockedUntil - performance.now(), 'rate_limit');
      const started = performance.now();
      let res: Awaited<ReturnType<typeof send>>;
      const release = await this.paced();
      try {
        res = await send(url, this.initOf(spec, token), { timeoutMs: this.timeoutMs, signal: this.signal, what });
      } catch (err) {
        if (err instanceof AsanaUnavailableError && (await backOff(err))) continue;
        throw err;
      } finally {
        release();
      }
      const receivedAt = performance.now();
      this.logger?.debug({ method: spec.method, path: spec.path, status: res.status, ms: Math.round(receivedAt - started) }, 'asana request');
      this.onResponse?.({ method: spec.method, path: spec.path, status: res.status });

      if (res.status === 401) {
        if (refreshed) {
          throw new AsanaAuthError(
            `${what}: Asana refused a freshly refreshed access token; re-authorize the profile`,
            'token_rejected',
          );
        }
        this.logger?.info({ path: spec.path }, 'asana access token refused; refreshing');
        const rejected = token;
        token = await this.tokenCall(() => this.tokens.refreshAccessToken(rejected));
        refreshed = true;
        continue;
      }

      if (res.status === 429) {
        const waitMs = parseRetryAfter(res.headers.get('retry-after'));
        if (waits >= this.maxRateLimitWaits || waitMs > this.maxRateLimitWaitMs) {
          throw new AsanaRateLimitError(waitMs, `${what}: Asana rate limit in force; retry in ${Math.ceil(waitMs / 1000)} s`);
        }
        waits += 1;
        this.logger?.info({ path: spec.path, waitMs, attempt: waits }, 'asana rate limit; waiting');
        // Retry-After counts from Asana's answer, so the deadline is fixed before anything else runs.
        this.blockedUntil = Math.max(this.blockedUntil, receivedAt + waitMs);
        this.pacer?.holdUntil(this.blockedUntil);
        await this.waitOut(this.blockedUntil, waitMs, 'rate_limit');
        continue;
      }

      if (res.status < 200 || res.status >= 300) {
        const err = apiErrorOf(res.status, res.body, what);
        if (res.status >= 500 && (await backOff(err))) continue;
        throw err;
      }
      if (res.body === '') return {};
      try {
        return parseJson(res.body, what);
      } catch (err) {
        if (err instanceof AsanaUnavailableError && (await backOff(err))) continue;
        throw err;
      }
    }
  }

  /** A place from the token's pacer; a long wait for one heartbeats like any other wait. */
  private async paced(): Promise<Release> {
    if (!this.pacer) return () => undefined;
    const waiting = this.pacer.acquire(this.signal);
    for (;;) {
      let timer: NodeJS.Timeout | undefined;
      const tick = new Promise<'tick'>((resolve) => (timer = setTimeout(() => resolve('tick'), this.waitTickMs)));
      const first = await Promise.race([waiting, tick]).finally(() => clearTimeout(timer));
      if (first !== 'tick') return first;
      try {
        await this.onWait?.({ reason: 'rate_limit', waitMs: this.waitTickMs });
      } catch (err) {
        // Whoever stops waiting here must still give back the place once it comes.
        waiting.then((release) => release(), () => undefined);
        throw err;
      }
    }
  }

  private async waitOut(deadline: number, waitMs: number, reason: WaitInfo['reason']): Promise<void> {
    this.onWaitStart?.({ reason, waitMs });
    await this.onWait?.({ reason, waitMs });
    for (;;) {
      const remaining = deadline - performance.now();
      if (remaining <= 0) return;
      const tickEnd = Math.min(deadline, performance.now() + this.waitTickMs);
      await sleepUntil(tickEnd, this.signal);
      const left = deadline - performance.now();
      if (left > 0) await this.onWait?.({ reason, waitMs: Math.ceil(left) });
    }
  }

  /** Token provider failures that mean the grant is gone become `AsanaAuthError`. */
  private async tokenCall(fn: () => Promise<string>): Promise<string> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof OAuthError && err.error === 'invalid_grant') {
        throw new AsanaAuthError(
          "Asana revoked the connection's authorization (invalid_grant); re-authorize the profile",
          'grant_revoked',
        );
      }
      throw err;
    }
  }

  private urlOf(spec: RequestSpec): string {
    const url = new URL(`${this.apiBase}${spec.path}`);
    for (const [k, v] of Object.entries(spec.query ?? {})) {
      if (v !== undefined && v !== '') url.searchParams.set(k, String(v));
    }
    return url.toString();
  }

  private initOf(spec: RequestSpec, token: string): RequestInit {
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json' };
    if (spec.body === undefined) return { method: spec.method, headers };
    headers['content-type'] = 'application/json';
    return { method: spec.method, headers, body: JSON.stringify(spec.body) };
  }
}

function joinFields(fields: string[] | undefined): string | undefined {
  return fields && fields.length > 0 ? fields.join(',') : undefined;
}

function isoOf(v: Date | string | undefined): string | undefined {
  return v instanceof Date ? v.toISOString() : v;
}

function seg(gid: string): string {
  return encodeURIComponent(gid);
}
