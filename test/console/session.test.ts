// The console's session: the API token is handed over once, the browser keeps only an HttpOnly cookie, requests
// that change something need the CSRF token, and the session ends at sign-out, at expiry, or with its token.
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';
import { createConsoleSession } from '../../src/store/consoleSessions';
import { sha256 } from '../../src/secrets/secretBox';
import { buildConsole } from './support/build';

let h: Harness;
beforeAll(async () => {
  buildConsole();
  h = await startHarness();
});
afterAll(async () => h?.close());

async function signIn(token = h.apiToken) {
  const res = await h.api('POST', '/api/session', { token }, { token: null });
  const setCookie = res.headers.get('set-cookie') ?? '';
  return { res, setCookie, cookie: setCookie.split(';')[0]!, csrf: res.body?.csrfToken as string | undefined };
}

const withCookie = (cookie: string, extra: Record<string, string> = {}) => ({ token: null, headers: { cookie, ...extra } });

describe('console sessions', () => {
  it('refuse a wrong token with the API check\'s detail, and set no cookie', async () => {
    const { res, setCookie } = await signIn('not-the-token');
    expect(res.status).toBe(401);
    expect(res.body.detail).toBe('The API token is not valid (unknown, mistyped or revoked).');
    expect(setCookie).toBe('');
    const empty = await signIn('');
    expect(empty.res.status).toBe(400);
    expect(empty.res.body.errors[0].field).toBe('token');
  });

  it('keep the token server-side, sealed; the cookie holds only a random id, HttpOnly and SameSite=Strict', async () => {
    const { res, setCookie, cookie } = await signIn();
    expect(res.status).toBe(201);
    expect(setCookie).toMatch(/^lm_session=[\w-]{40,}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200$/);
    expect(res.text).not.toContain(h.apiToken);
    expect(setCookie).not.toContain(h.apiToken);
    const rows = await h.db.query<{ id_hash: string; sealed_token: string }>('SELECT id_hash, sealed_token FROM console_sessions');
    const row = rows.find((r) => r.id_hash === sha256(cookie.split('=')[1]!));
    expect(row).toBeDefined();
    expect(row!.sealed_token).not.toContain(h.apiToken);
    expect(h.box.open(row!.sealed_token)).toBe(h.apiToken);
  });

  it('stand in for the bearer token; a change needs the CSRF token and this origin', async () => {
    const { cookie, csrf } = await signIn();
    expect((await h.api('GET', '/api/profiles', undefined, withCookie(cookie))).status).toBe(200);
    const body = { displayName: 'Through the console' };
    const noCsrf = await h.api('POST', '/api/profiles', body, withCookie(cookie));
    expect(noCsrf.status).toBe(403);
    expect(noCsrf.body.detail).toMatch(/x-csrf-token/);
    expect((await h.api('POST', '/api/profiles', body, withCookie(cookie, { 'x-csrf-token': 'guess' }))).status).toBe(403);
    const foreign = await h.api('POST', '/api/profiles', body, withCookie(cookie, { 'x-csrf-token': csrf!, origin: 'https://evil.example' }));
    expect(foreign.status).toBe(403);
    const ok = await h.api('POST', '/api/profiles', body, withCookie(cookie, { 'x-csrf-token': csrf!, origin: h.apiUrl }));
    expect(ok.status, ok.text).toBe(201);
    // GET /api/session gives the page its CSRF token again (after a reload).
    const session = await h.api('GET', '/api/session', undefined, withCookie(cookie));
    expect(session.status).toBe(200);
    expect(session.body.csrfToken).toBe(csrf);
  });

  it('never override an Authorization header the request sends', async () => {
    const { cookie } = await signIn();
    const res = await h.api('GET', '/api/profiles', undefined, { token: 'wrong', headers: { cookie } });
    expect(res.status).toBe(401);
  });

  it('end at sign-out: the row is gone and the cookie cleared', async () => {
    const { cookie, csrf } = await signIn();
    expect((await h.api('DELETE', '/api/session', undefined, withCookie(cookie))).status).toBe(403);
    const out = await h.api('DELETE', '/api/session', undefined, withCookie(cookie, { 'x-csrf-token': csrf! }));
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/^lm_session=; .*Max-Age=0/);
    expect((await h.api('GET', '/api/profiles', undefined, withCookie(cookie))).status).toBe(401);
    expect((await h.api('GET', '/api/session', undefined, withCookie(cookie))).status).toBe(204);
  });

  it('end when they expire', async () => {
    const { cookie } = await signIn();
    await h.db.query("UPDATE console_sessions SET expires_at = now() - interval '1 second' WHERE id_hash = $1", [sha256(cookie.split('=')[1]!)]);
    expect((await h.api('GET', '/api/profiles', undefined, withCookie(cookie))).status).toBe(401);
  });

  it('end when their token is no longer accepted', async () => {
    // A session of a token the API stopped accepting (revoked or rotated since sign-in).
    const id = crypto.randomBytes(32).toString('base64url');
    const now = new Date();
    await createConsoleSession(h.db, { idHash: sha256(id), sealedToken: h.box.seal('a-revoked-token'), csrfToken: 'c', expiresAt: new Date(now.getTime() + 60_000), now });
    const cookie = `lm_session=${id}`;
    expect((await h.api('GET', '/api/profiles', undefined, withCookie(cookie))).status).toBe(401);
    const session = await h.api('GET', '/api/session', undefined, withCookie(cookie));
    expect(session.status).toBe(401);
    expect(session.headers.get('set-cookie')).toMatch(/Max-Age=0/);
    await expect.poll(async () => (await h.db.query('SELECT 1 FROM console_sessions WHERE id_hash = $1', [sha256(id)])).length).toBe(0);
  });
});

describe('the console\'s files', () => {
  it('serve the page at / and at every path of the console, with a Content-Security-Policy of this origin only', async () => {
    for (const path of ['/', '/profiles/new', `/profiles/${crypto.randomUUID()}/licence`]) {
      const res = await fetch(`${h.apiUrl}${path}`, { headers: { accept: 'text/html' } });
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-security-policy')).toMatch(/default-src 'self'.*script-src 'self'/);
      const html = await res.text();
      expect(html).toContain('<div id="app">');
      // Nothing from elsewhere.
      expect(html).not.toMatch(/(?:src|href)="(?:https?:)?\/\//);
      const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1]!;
      const asset = await fetch(`${h.apiUrl}${script}`);
      expect(asset.status).toBe(200);
      expect(asset.headers.get('cache-control')).toMatch(/immutable/);
    }
  });

  it('leave the API and the service\'s own pages alone', async () => {
    const api = await fetch(`${h.apiUrl}/api/nothing-here`, { headers: { accept: 'text/html' } });
    expect(api.status).toBe(401);
    expect(api.headers.get('content-type')).toMatch(/problem\+json/);
    const redirect = await fetch(`${h.apiUrl}/oauth_redirect`, { headers: { accept: 'text/html' } });
    expect(redirect.status).toBe(400);
    expect(await redirect.text()).toContain('Authorization failed');
    const missing = await fetch(`${h.apiUrl}/assets/missing.js`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/problem\+json/);
  });
});
