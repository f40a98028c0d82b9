import { createHash, randomBytes } from 'node:crypto';
import { startSimulator, type AppInput, type RunningSimulator, type StartSimulatorOptions } from '@licence-manager/asana-simulator';

export const APP: AppInput = {
  clientId: 'test-client',
  clientSecret: 'test-secret-value',
  redirectUris: ['http://localhost:3000/oauth_redirect'],
};
export const REDIRECT_URI = APP.redirectUris[0] as string;

export const SERVICE_OPT_FIELDS = 'user.name,user.email,is_active,is_admin,is_guest,is_view_only,created_at';

export function start(opts: StartSimulatorOptions = {}): Promise<RunningSimulator> {
  return startSimulator({ port: 0, apps: [APP], ...opts });
}

/** A clock tests can move; starts at the real time so seeded dates look ordinary. */
export function fakeClock(): { now: () => number; advance: (ms: number) => void } {
  let t = Date.now();
  return { now: () => t, advance: (ms) => (t += ms) };
}

export interface ApiResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

// Response bodies are whatever the server sent; tests assert on their shape.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyJson = any;

export async function api(base: string, token: string | null, path: string, init: RequestInit = {}): Promise<ApiResponse<AnyJson>> {
  const headers = new Headers(init.headers);
  if (token !== null) headers.set('authorization', `Bearer ${token}`);
  const res = await fetch(`${base}/api/1.0${path}`, { ...init, headers });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as AnyJson) : null };
}

export async function control(base: string, method: string, path: string, body?: unknown): Promise<ApiResponse<AnyJson>> {
  const res = await fetch(`${base}/_sim${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as AnyJson) : null };
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export async function authorize(
  base: string,
  params: Record<string, string>,
): Promise<{ status: number; location: string | null; text: string }> {
  const url = new URL(`${base}/-/oauth_authorize`);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  const res = await fetch(url, { redirect: 'manual' });
  return { status: res.status, location: res.headers.get('location'), text: await res.text() };
}

export async function tokenRequest(base: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<ApiResponse<AnyJson>> {
  const res = await fetch(`${base}/-/oauth_token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as AnyJson) : null };
}

export async function revokeRequest(base: string, form: Record<string, string>): Promise<number> {
  const res = await fetch(`${base}/-/oauth_revoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  await res.text();
  return res.status;
}

/** Runs the whole authorization-code flow with PKCE and answers the token response. */
export async function oauthLogin(base: string, app: AppInput = APP): Promise<{ accessToken: string; refreshToken: string; userGid: string }> {
  const { verifier, challenge } = pkcePair();
  const redirectUri = app.redirectUris[0] as string;
  const auth = await authorize(base, {
    client_id: app.clientId,
    redirect_uri: redirectUri,
    response_type: 'code',
    state: 'state-1',
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  const code = new URL(auth.location ?? 'http://invalid').searchParams.get('code');
  if (!code) throw new Error(`authorize did not redirect with a code: ${auth.status} ${auth.text}`);
  const res = await tokenRequest(base, {
    grant_type: 'authorization_code',
    client_id: app.clientId,
    client_secret: app.clientSecret,
    redirect_uri: redirectUri,
    code,
    code_verifier: verifier,
  });
  if (res.status !== 200) throw new Error(`token exchange failed: ${JSON.stringify(res.body)}`);
  return { accessToken: res.body.access_token, refreshToken: res.body.refresh_token, userGid: res.body.data.gid };
}

/** Follows next_page until it is null, returning every item. */
export async function walkPages(base: string, token: string, firstPath: string): Promise<{ items: AnyJson[]; pages: number }> {
  const items: AnyJson[] = [];
  let path: string | null = firstPath;
  let pages = 0;
  while (path !== null) {
    const res: ApiResponse<AnyJson> = await api(base, token, path);
    if (res.status !== 200) throw new Error(`page ${path} failed: ${res.status} ${JSON.stringify(res.body)}`);
    items.push(...res.body.data);
    pages++;
    path = res.body.next_page ? res.body.next_page.path : null;
  }
  return { items, pages };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
