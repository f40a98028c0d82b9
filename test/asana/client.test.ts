// The Asana client and OAuth helpers against the simulator, over real HTTP. The simulator is driven
// only through its /_sim endpoints, as a test in another process would.
import { randomBytes } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AsanaClient, type AsanaClientOptions, type WaitInfo } from '../../src/asana/client';
import { AsanaApiError, AsanaAuthError, AsanaRateLimitError, AsanaUnavailableError, OAuthError } from '../../src/asana/errors';
import { toActivityFailure } from '../../src/asana/failures';
import { createInMemoryTokenProvider } from '../../src/asana/memoryTokens';
import { buildAuthorizeUrl, createPkce, createState, exchangeCode, refreshTokens, revokeToken } from '../../src/asana/oauth';
import type { AuditLogEvent, TokenProvider, TokenSet, WorkspaceMembership } from '../../src/asana/types';
import { startSimulator, type RequestLogEntry, type RunningSimulator, type SimulatorState } from '@licence-manager/asana-simulator';

let sim: RunningSimulator;
const app = {
  clientId: 'licence-manager-test',
  clientSecret: randomBytes(24).toString('base64url'),
  redirectUris: ['http://127.0.0.1:3000/oauth_redirect'],
};
const redirectUri = app.redirectUris[0]!;

async function control<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${sim.url}/_sim${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} /_sim${path} answered ${res.status}: ${text}`);
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

interface Loaded {
  workspaceGid: string;
  adminUserGid: string;
}

function loadScenario(scenario: Record<string, unknown>): Promise<Loaded> {
  return control<Loaded>('POST', '/scenario', { seed: 7, guests: 0, viewOnly: 0, admins: 1, eventsPerUserPerDay: 0, days: 7, ...scenario });
}

function requestsSince(since: string): Promise<RequestLogEntry[]> {
  return control<RequestLogEntry[]>('GET', `/requests?since=${encodeURIComponent(since)}`);
}

const isTokenPost = (e: RequestLogEntry): boolean => e.method === 'POST' && e.path === '/-/oauth_token';
const isApi = (e: RequestLogEntry): boolean => e.path.startsWith('/api/1.0/');

/** The browser's part of the flow: follow the authorize URL to the redirect and read code and state. */
async function approve(challenge: string, state: string): Promise<URL> {
  const url = buildAuthorizeUrl({ baseUrl: sim.url, clientId: app.clientId, redirectUri, state, codeChallenge: challenge });
  const res = await fetch(url, { redirect: 'manual' });
  expect(res.status).toBe(302);
  return new URL(res.headers.get('location') ?? '');
}

async function authorize(): Promise<TokenSet> {
  const { verifier, challenge } = createPkce();
  const state = createState();
  const back = await approve(challenge, state);
  expect(back.searchParams.get('state')).toBe(state);
  const code = back.searchParams.get('code');
  expect(code).toBeTruthy();
  return exchangeCode({ baseUrl: sim.url, clientId: app.clientId, clientSecret: app.clientSecret, redirectUri, code: code!, codeVerifier: verifier });
}

function connect(tokens: TokenSet, extra: Partial<AsanaClientOptions> = {}) {
  const refreshed: TokenSet[] = [];
  const provider = createInMemoryTokenProvider({
    baseUrl: sim.url,
    clientId: app.clientId,
    clientSecret: app.clientSecret,
    tokens,
    onRefreshed: (t) => refreshed.push(t),
  });
  const client = new AsanaClient({ baseUrl: sim.url, tokens: provider, timeoutMs: 5_000, ...extra });
  return { client, provider, refreshed };
}

/** A client speaking with a Service Account's personal access token (no refresh: it does not expire). */
async function asServiceAccount(): Promise<AsanaClient> {
  const { token } = await control<{ token: string }>('POST', '/service-accounts', {});
  const tokens: TokenProvider = {
    getAccessToken: async () => token,
    refreshAccessToken: async () => {
      throw new Error('a Service Account token is not refreshed');
    },
  };
  return new AsanaClient({ baseUrl: sim.url, tokens, timeoutMs: 5_000 });
}

async function all<T>(pages: AsyncIterable<{ data: T[]; nextOffset: string | null }>) {
  const out: { data: T[]; nextOffset: string | null }[] = [];
  for await (const page of pages) out.push(page);
  return out;
}

beforeAll(async () => {
  sim = await startSimulator({ port: 0 });
  await control('POST', '/apps', app);
});

afterAll(async () => {
  await sim?.close();
});

beforeEach(async () => {
  await control('DELETE', '/faults');
});

describe('OAuth', () => {
  it('exchanges the code from the authorize redirect, with PKCE, for tokens of the approving admin', async () => {
    const { adminUserGid } = await loadScenario({ members: 5 });
    const before = Date.now();
    const tokens = await authorize();

    expect(tokens.accessToken).toBeTruthy();
    expect(tokens.refreshToken).toBeTruthy();
    expect(tokens.user?.gid).toBe(adminUserGid);
    expect(tokens.expiresAt.getTime()).toBeGreaterThanOrEqual(before + 3600_000 - 1000);

    const me = await connect(tokens).client.getMe(['name', 'email']);
    expect(me.gid).toBe(adminUserGid);
    expect(me.email).toBe(tokens.user?.email);
  });

  it('refuses a code presented with the wrong verifier, and says so without echoing credentials', async () => {
    await loadScenario({ members: 5 });
    const { challenge } = createPkce();
    const back = await approve(challenge, createState());
    const code = back.searchParams.get('code')!;
    const wrongVerifier = createPkce().verifier;

    const err = await exchangeCode({
      baseUrl: sim.url,
      clientId: app.clientId,
      clientSecret: app.clientSecret,
      redirectUri,
      code,
      codeVerifier: wrongVerifier,
    }).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(OAuthError);
    expect((err as OAuthError).error).toBe('invalid_grant');
    for (const secret of [code, wrongVerifier, app.clientSecret]) expect((err as Error).message).not.toContain(secret);
  });

  it('refreshes keeping the refresh token, and a revoked grant refreshes no more', async () => {
    await loadScenario({ members: 5 });
    const tokens = await authorize();
    const opts = { baseUrl: sim.url, clientId: app.clientId, clientSecret: app.clientSecret };

    const next = await refreshTokens({ ...opts, refreshToken: tokens.refreshToken });
    expect(next.accessToken).not.toBe(tokens.accessToken);
    expect(next.refreshToken).toBe(tokens.refreshToken);

    await revokeToken({ ...opts, token: tokens.refreshToken });
    await revokeToken({ ...opts, token: tokens.refreshToken }); // idempotent
    const err = await refreshTokens({ ...opts, refreshToken: tokens.refreshToken }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OAuthError);
    expect((err as OAuthError).error).toBe('invalid_grant');
    expect((err as Error).message).not.toContain(tokens.refreshToken);
  });
});

describe('pagination', () => {
  it('walks 250 memberships in three pages of at most 100, each member once, and resumes from a cursor', async () => {
    const { workspaceGid } = await loadScenario({ members: 250, admins: 2 });
    const { client } = connect(await authorize());

    const pages = await all(client.workspaceMembershipPages(workspaceGid));
    expect(pages.map((p) => p.data.length)).toEqual([100, 100, 50]);
    expect(pages.map((p) => p.nextOffset === null)).toEqual([false, false, true]);

    const memberships = pages.flatMap((p) => p.data);
    const gids = memberships.map((m) => m.user.gid);
    const state = await control<SimulatorState>('GET', '/state');
    expect(new Set(gids).size).toBe(250);
    expect([...gids].sort()).toEqual(state.members.map((m) => m.gid).sort());
    const sample = memberships[0] as WorkspaceMembership;
    expect(sample.user.email).toMatch(/@/);
    expect(typeof sample.is_admin).toBe('boolean');
    expect(typeof sample.is_view_only).toBe('boolean');
    expect(memberships.filter((m) => m.is_admin)).toHaveLength(2);

    const resumed = await all(client.workspaceMembershipPages(workspaceGid, { offset: pages[0]!.nextOffset! }));
    expect(resumed.flatMap((p) => p.data.map((m) => m.user.gid))).toEqual(gids.slice(100));
  });

  it('streams audit events oldest first until an empty page, and resumes from the last cursor', async () => {
    const { workspaceGid } = await loadScenario({ members: 20, eventsPerUserPerDay: 3, days: 3, inactiveShare: 0 });
    // Asana answers the audit log only to a Service Account's token.
    const client = await asServiceAccount();
    const startAt = new Date(Date.now() - 3 * 24 * 3600_000);

    const pages = await all(client.auditLogEventPages(workspaceGid, { startAt, limit: 50 }));
    const events = pages.flatMap((p) => p.data) as AuditLogEvent[];
    expect(events.length).toBeGreaterThan(50);
    expect(pages.at(-1)!.data).toEqual([]);
    const times = events.map((e) => Date.parse(e.created_at));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(new Set(events.map((e) => e.gid)).size).toBe(events.length);

    const watermark = pages.map((p) => p.nextOffset).filter((o): o is string => o !== null).at(-1)!;
    const actor = events.find((e) => e.actor.actor_type === 'user')!.actor.gid!;
    await control('POST', '/events', { actorGid: actor });

    const more = await all(client.auditLogEventPages(workspaceGid, { startAt, limit: 50, offset: watermark }));
    const fresh = more.flatMap((p) => p.data);
    expect(fresh).toHaveLength(1);
    expect(fresh[0]!.actor.gid).toBe(actor);
  });
});

describe('removeUser and API errors', () => {
  it('removes a member, and a second removal is a 404 that maps to a non-retryable AsanaNotFound', async () => {
    const { workspaceGid, adminUserGid } = await loadScenario({ members: 10 });
    const { client } = connect(await authorize());
    const state = await control<SimulatorState>('GET', '/state');
    const target = state.members.find((m) => m.gid !== adminUserGid && !m.isAdmin)!;

    await client.removeUser(workspaceGid, target.gid);
    const after = await control<SimulatorState>('GET', '/state');
    expect(after.members.find((m) => m.gid === target.gid)?.removedVia).toBe('removeUser');

    const err = await client.removeUser(workspaceGid, target.gid).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AsanaApiError);
    expect((err as AsanaApiError).status).toBe(404);
    expect((err as Error).message).toContain('is not a member of this workspace');
    const failure = toActivityFailure(err) as ApplicationFailure;
    expect(failure.type).toBe('AsanaNotFound');
    expect(failure.nonRetryable).toBe(true);
  });

  it('reports an audit log outside the plan (402) as AsanaForbidden', async () => {
    const { workspaceGid } = await loadScenario({ members: 5, auditLog: 'payment_required' });
    const { client } = connect(await authorize());
    const err = await all(client.auditLogEventPages(workspaceGid, { limit: 1 })).catch((e: unknown) => e);
    expect((err as AsanaApiError).status).toBe(402);
    const failure = toActivityFailure(err) as ApplicationFailure;
    expect(failure.type).toBe('AsanaForbidden');
    expect(failure.nonRetryable).toBe(true);
  });

  it("refuses a person's OAuth grant on the audit log (403), which is non-retryable AsanaForbidden", async () => {
    const { workspaceGid } = await loadScenario({ members: 5 });
    const { client } = connect(await authorize());
    const err = await all(client.auditLogEventPages(workspaceGid, { limit: 1 })).catch((e: unknown) => e);
    expect((err as AsanaApiError).status).toBe(403);
    expect((err as Error).message).toContain('Service Account');
    const failure = toActivityFailure(err) as ApplicationFailure;
    expect(failure.type).toBe('AsanaForbidden');
    expect(failure.nonRetryable).toBe(true);
  });

  it('reports a 500 with its phrase as a retryable AsanaUnavailable', async () => {
    await loadScenario({ members: 5 });
    const { client } = connect(await authorize());
    await control('POST', '/faults', { failNextRequests: 1 });
    const err = await client.getMe().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AsanaApiError);
    expect((err as AsanaApiError).status).toBe(500);
    expect((err as AsanaApiError).phrase).toBeTruthy();
    const failure = toActivityFailure(err) as ApplicationFailure;
    expect(failure.type).toBe('AsanaUnavailable');
    expect(failure.nonRetryable).toBe(false);
  });

  it('with transientRetries, sends a GET again after 5xx answers (backing off, telling onWait), but never a POST', async () => {
    const { workspaceGid, adminUserGid } = await loadScenario({ members: 5 });
    const waits: WaitInfo[] = [];
    const { client } = connect(await authorize(), { transientRetries: 3, transientBackoffMs: 20, onWait: (w) => void waits.push(w) });
    const since = new Date().toISOString();
    await control('POST', '/faults', { failNextRequests: 2 });
    expect((await client.getMe()).gid).toBe(adminUserGid);
    const gets = (await requestsSince(since)).filter(isApi);
    expect(gets.map((r) => r.status)).toEqual([500, 500, 200]);
    expect(waits.map((w) => w.reason)).toEqual(['server_error', 'server_error']);

    // More failures than retries: the last error is thrown, for the activity's own retry policy.
    await control('POST', '/faults', { failNextRequests: 4 });
    expect(((await client.getMe().catch((e: unknown) => e)) as AsanaApiError).status).toBe(500);
    await control('DELETE', '/faults');

    // A POST whose answer was lost may have been carried out: it is not sent again here.
    const member = (await control<SimulatorState>('GET', '/state')).members.find((m) => !m.isAdmin)!;
    const before = new Date().toISOString();
    await control('POST', '/faults', { loseNextWriteResponses: 1 });
    const lost = await client.removeUser(workspaceGid, member.gid).catch((e: unknown) => e);
    expect((lost as AsanaApiError).status).toBe(502);
    expect((await requestsSince(before)).filter((r) => r.method === 'POST' && isApi(r))).toHaveLength(1);
  });

  it('turns timeouts and refused connections into AsanaUnavailableError', async () => {
    await loadScenario({ members: 5 });
    const tokens = await authorize();
    await control('POST', '/faults', { latencyMs: 1_000 });
    const slow = await connect(tokens, { timeoutMs: 100 }).client.getMe().catch((e: unknown) => e);
    expect(slow).toBeInstanceOf(AsanaUnavailableError);
    expect((slow as Error).message).toContain('did not answer within 100 ms');

    const fixed: TokenProvider = { getAccessToken: async () => 'x', refreshAccessToken: async () => 'y' };
    const closed = await new AsanaClient({ baseUrl: 'http://127.0.0.1:1', tokens: fixed }).getMe().catch((e: unknown) => e);
    expect(closed).toBeInstanceOf(AsanaUnavailableError);
    expect((toActivityFailure(closed) as ApplicationFailure).nonRetryable).toBe(false);
  });
});

describe('rate limits', () => {
  it('waits out each 429 for its Retry-After, sending nothing earlier, and completes the walk', async () => {
    const { workspaceGid } = await loadScenario({ members: 80 });
    const waits: WaitInfo[] = [];
    const { client } = connect(await authorize(), { onWait: (w) => void waits.push(w) });
    await control('POST', '/faults', { rateLimitPerMinute: 3, rateLimitWindowSeconds: 1 });
    const since = new Date().toISOString();

    const pages = await all(client.workspaceMembershipPages(workspaceGid, { limit: 10 }));
    expect(pages.flatMap((p) => p.data)).toHaveLength(80);

    const log = (await requestsSince(since)).filter(isApi);
    const limited = log.map((e, i) => ({ e, i })).filter(({ e }) => e.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(2);
    // Each 429 triggered one wait of its Retry-After (waits under 10 s are not ticked again).
    expect(waits).toHaveLength(limited.length);
    limited.forEach(({ e, i }, k) => {
      const next = log[i + 1]!;
      expect(Date.parse(next.startedAt) - Date.parse(e.time)).toBeGreaterThanOrEqual(waits[k]!.waitMs);
    });
    expect(log.filter((e) => e.status === 200)).toHaveLength(8);
  });

  it('throws AsanaRateLimitError for a wait it may not sit out, which Temporal retries after Retry-After', async () => {
    await loadScenario({ members: 5 });
    const { client } = connect(await authorize(), { maxRateLimitWaitMs: 1_000 });
    await control('POST', '/faults', { rateLimitPerMinute: 1, rateLimitWindowSeconds: 30 });
    const since = new Date().toISOString();

    await client.getMe();
    const err = await client.getMe().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AsanaRateLimitError);
    expect((err as AsanaRateLimitError).retryAfterMs).toBe(30_000);

    const failure = toActivityFailure(err) as ApplicationFailure;
    expect(failure.type).toBe('AsanaRateLimited');
    expect(failure.nonRetryable).toBe(false);
    expect(failure.nextRetryDelay).toBe(30_000);
    expect((await requestsSince(since)).filter(isApi).map((e) => e.status)).toEqual([200, 429]);
  });

  it('sits out no more than maxRateLimitWaits 429s per call', async () => {
    await loadScenario({ members: 5 });
    const { client } = connect(await authorize(), { maxRateLimitWaits: 0 });
    await control('POST', '/faults', { rateLimitPerMinute: 1, rateLimitWindowSeconds: 1 });
    await client.getMe();
    const err = await client.getMe().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AsanaRateLimitError);
    expect((err as AsanaRateLimitError).retryAfterMs).toBe(1_000);
  });

  it('keeps calling onWait through a long wait, and stops waiting when cancelled', async () => {
    await loadScenario({ members: 5 });
    const tokens = await authorize();
    await control('POST', '/faults', { rateLimitPerMinute: 1, rateLimitWindowSeconds: 2 });

    const waits: number[] = [];
    const { client } = connect(tokens, { waitTickMs: 400, onWait: (w) => void waits.push(w.waitMs) });
    await client.getMe();
    await client.getMe();
    expect(waits.length).toBeGreaterThanOrEqual(4);
    expect(waits[0]).toBe(2_000);
    expect(waits).toEqual([...waits].sort((a, b) => b - a));

    const controller = new AbortController();
    const cancelled = new Error('activity cancelled');
    const impatient = connect(tokens, { signal: controller.signal, onWait: () => controller.abort(cancelled) }).client;
    const started = Date.now();
    await expect(impatient.getMe()).rejects.toBe(cancelled);
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});

describe('token refresh', () => {
  it('refreshes an expired access token once, transparently', async () => {
    const { workspaceGid } = await loadScenario({ members: 5 });
    const tokens = await authorize();
    const { client, refreshed, provider } = connect(tokens);
    await control('POST', '/faults', { expireAccessTokens: true });
    const since = new Date().toISOString();

    expect((await client.getWorkspace(workspaceGid)).is_organization).toBe(true);
    await client.getMe();

    const log = await requestsSince(since);
    expect(log.filter(isTokenPost).map((e) => e.status)).toEqual([200]);
    expect(log.filter(isApi).map((e) => e.status)).toEqual([401, 200, 200]);
    expect(refreshed).toHaveLength(1);
    expect(provider.current().accessToken).not.toBe(tokens.accessToken);
    expect(provider.current().refreshToken).toBe(tokens.refreshToken);
  });

  it('refreshes a token about to expire before Asana refuses it', async () => {
    await loadScenario({ members: 5 });
    await control('POST', '/faults', { accessTokenTtlSeconds: 2 });
    const { client, refreshed } = connect(await authorize());
    await client.getMe();
    await new Promise((r) => setTimeout(r, 1_600));
    const since = new Date().toISOString();
    await client.getMe();

    const log = await requestsSince(since);
    expect(log.map((e) => `${e.path} ${e.status}`)).toEqual(['/-/oauth_token 200', '/api/1.0/users/me 200']);
    expect(refreshed).toHaveLength(1);
  });

  it('shares one refresh between concurrent calls that all hit 401', async () => {
    const { workspaceGid } = await loadScenario({ members: 5 });
    const { client, refreshed } = connect(await authorize());
    await control('POST', '/faults', { expireAccessTokens: true });
    const since = new Date().toISOString();

    await Promise.all([client.getMe(), client.getWorkspace(workspaceGid), client.listWorkspaces(), client.getUserWorkspaceMemberships('me')]);

    const log = await requestsSince(since);
    expect(log.filter((e) => isApi(e) && e.status === 401).length).toBeGreaterThanOrEqual(2);
    expect(log.filter(isTokenPost)).toHaveLength(1);
    expect(refreshed).toHaveLength(1);
  });

  it('ends a revoked grant as AsanaAuthError, a non-retryable AsanaAuthRevoked failure', async () => {
    await loadScenario({ members: 5 });
    const tokens = await authorize();
    const { client } = connect(tokens);
    await control('POST', '/faults', { revokeGrants: true });
    const since = new Date().toISOString();

    const err = await client.getMe().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AsanaAuthError);
    expect((err as AsanaAuthError).reason).toBe('grant_revoked');
    for (const secret of [tokens.accessToken, tokens.refreshToken, app.clientSecret]) expect((err as Error).message).not.toContain(secret);

    const failure = toActivityFailure(err) as ApplicationFailure;
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure.type).toBe('AsanaAuthRevoked');
    expect(failure.nonRetryable).toBe(true);

    const log = await requestsSince(since);
    expect(log.map((e) => `${e.path} ${e.status}`)).toEqual(['/api/1.0/users/me 401', '/-/oauth_token 400']);
  });

  it('gives up when a refreshed token is refused as well', async () => {
    await loadScenario({ members: 5 });
    let refreshes = 0;
    const stale: TokenProvider = {
      getAccessToken: async () => 'not-a-token',
      refreshAccessToken: async () => {
        refreshes += 1;
        return 'still-not-a-token';
      },
    };
    const err = await new AsanaClient({ baseUrl: sim.url, tokens: stale }).getMe().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AsanaAuthError);
    expect((err as AsanaAuthError).reason).toBe('token_rejected');
    expect(refreshes).toBe(1);
  });
});
