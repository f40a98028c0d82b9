import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '@licence-manager/asana-simulator';
import { APP, REDIRECT_URI, api, authorize, control, fakeClock, oauthLogin, pkcePair, revokeRequest, start, tokenRequest } from './helpers';

async function codeFor(base: string, challenge: string, state = 'xyz'): Promise<string> {
  const res = await authorize(base, {
    client_id: APP.clientId,
    redirect_uri: REDIRECT_URI,
    response_type: 'code',
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  const code = new URL(res.location as string).searchParams.get('code');
  if (!code) throw new Error('no code');
  return code;
}

function exchange(base: string, code: string, verifier: string, over: Record<string, string> = {}) {
  return tokenRequest(base, {
    grant_type: 'authorization_code',
    client_id: APP.clientId,
    client_secret: APP.clientSecret,
    redirect_uri: REDIRECT_URI,
    code,
    code_verifier: verifier,
    ...over,
  });
}

describe('OAuth', () => {
  let s: RunningSimulator;
  beforeAll(async () => {
    s = await start({ scenario: { seed: 3, members: 12, guests: 2, viewOnly: 1, admins: 2 } });
  });
  afterAll(() => s.close());

  it('redirects to the registered URI with a code and the state', async () => {
    const { challenge } = pkcePair();
    const res = await authorize(s.url, {
      client_id: APP.clientId,
      redirect_uri: REDIRECT_URI,
      response_type: 'code',
      state: 'opaque state/with+chars',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      scope: 'default',
    });
    expect(res.status).toBe(302);
    const location = new URL(res.location as string);
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI);
    expect(location.searchParams.get('code')).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(location.searchParams.get('state')).toBe('opaque state/with+chars');
  });

  it('never redirects for an unknown client or an unregistered redirect URI', async () => {
    const unknown = await authorize(s.url, { client_id: 'nope', redirect_uri: REDIRECT_URI, response_type: 'code' });
    expect(unknown.status).toBe(400);
    expect(unknown.location).toBeNull();
    expect(unknown.text).toContain('Unknown OAuth application');
    const badRedirect = await authorize(s.url, { client_id: APP.clientId, redirect_uri: 'http://evil.example/cb', response_type: 'code' });
    expect(badRedirect.status).toBe(400);
    expect(badRedirect.location).toBeNull();
  });

  it('reports authorization errors to a registered redirect URI', async () => {
    const res = await authorize(s.url, { client_id: APP.clientId, redirect_uri: REDIRECT_URI, response_type: 'token', state: 's' });
    expect(res.status).toBe(302);
    const location = new URL(res.location as string);
    expect(location.searchParams.get('error')).toBe('unsupported_response_type');
    expect(location.searchParams.get('state')).toBe('s');
    const plain = await authorize(s.url, {
      client_id: APP.clientId,
      redirect_uri: REDIRECT_URI,
      response_type: 'code',
      code_challenge: 'x'.repeat(43),
      code_challenge_method: 'plain',
    });
    expect(new URL(plain.location as string).searchParams.get('error')).toBe('invalid_request');
  });

  it('exchanges a code with the right verifier for tokens shaped like Asana', async () => {
    const { verifier, challenge } = pkcePair();
    const res = await exchange(s.url, await codeFor(s.url, challenge), verifier);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const adminGid = s.sim.state().adminUserGid;
    expect(res.body).toMatchObject({ token_type: 'bearer', expires_in: 3600, data: { gid: adminGid, id: Number(adminGid) } });
    expect(typeof res.body.access_token).toBe('string');
    expect(typeof res.body.refresh_token).toBe('string');
    expect(res.body.data.email).toMatch(/@example\.com$/);
    const me = await api(s.url, res.body.access_token, '/users/me');
    expect(me.status).toBe(200);
    expect(me.body.data.gid).toBe(adminGid);
  });

  it('rejects a wrong verifier, a reused code, a wrong redirect URI and a wrong secret', async () => {
    const { verifier, challenge } = pkcePair();
    const code = await codeFor(s.url, challenge);

    const wrongVerifier = await exchange(s.url, code, pkcePair().verifier);
    expect(wrongVerifier.status).toBe(400);
    expect(wrongVerifier.body.error).toBe('invalid_grant');

    const wrongRedirect = await exchange(s.url, code, verifier, { redirect_uri: 'http://localhost:3000/other' });
    expect(wrongRedirect.status).toBe(400);
    expect(wrongRedirect.body.error).toBe('invalid_grant');

    const wrongSecret = await exchange(s.url, code, verifier, { client_secret: 'not-it' });
    expect(wrongSecret.status).toBe(401);
    expect(wrongSecret.body.error).toBe('invalid_client');

    const first = await exchange(s.url, code, verifier);
    expect(first.status).toBe(200);
    const reused = await exchange(s.url, code, verifier);
    expect(reused.status).toBe(400);
    expect(reused.body).toMatchObject({ error: 'invalid_grant', error_description: expect.stringContaining('already been used') });
    // A replayed code revokes what it was first exchanged for.
    expect((await api(s.url, first.body.access_token, '/users/me')).status).toBe(401);
  });

  it('checks the grant type and required fields', async () => {
    const missing = await tokenRequest(s.url, { client_id: APP.clientId, client_secret: APP.clientSecret });
    expect(missing.body.error).toBe('invalid_request');
    const unsupported = await tokenRequest(s.url, { grant_type: 'password', client_id: APP.clientId, client_secret: APP.clientSecret });
    expect(unsupported.status).toBe(400);
    expect(unsupported.body.error).toBe('unsupported_grant_type');
    const noVerifier = await exchange(s.url, await codeFor(s.url, pkcePair().challenge), '', {});
    expect(noVerifier.body.error).toBe('invalid_request');
  });

  it('accepts client credentials with HTTP Basic', async () => {
    const { verifier, challenge } = pkcePair();
    const code = await codeFor(s.url, challenge);
    const basic = Buffer.from(`${APP.clientId}:${APP.clientSecret}`).toString('base64');
    const res = await tokenRequest(
      s.url,
      { grant_type: 'authorization_code', redirect_uri: REDIRECT_URI, code, code_verifier: verifier },
      { authorization: `Basic ${basic}` },
    );
    expect(res.status).toBe(200);
  });

  it('refreshes, and revoking the refresh token ends the grant', async () => {
    const login = await oauthLogin(s.url);
    const refreshed = await tokenRequest(s.url, {
      grant_type: 'refresh_token',
      client_id: APP.clientId,
      client_secret: APP.clientSecret,
      refresh_token: login.refreshToken,
    });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refresh_token).toBeUndefined();
    expect(refreshed.body.expires_in).toBe(3600);
    expect((await api(s.url, refreshed.body.access_token, '/users/me')).status).toBe(200);

    // Access tokens cannot be revoked on their own, as in Asana.
    expect(await revokeRequest(s.url, { client_id: APP.clientId, client_secret: APP.clientSecret, token: login.accessToken })).toBe(400);
    expect(await revokeRequest(s.url, { client_id: APP.clientId, client_secret: APP.clientSecret, token: login.refreshToken })).toBe(200);

    const again = await tokenRequest(s.url, {
      grant_type: 'refresh_token',
      client_id: APP.clientId,
      client_secret: APP.clientSecret,
      refresh_token: login.refreshToken,
    });
    expect(again.status).toBe(400);
    expect(again.body.error).toBe('invalid_grant');
    expect((await api(s.url, login.accessToken, '/users/me')).status).toBe(401);
    expect((await api(s.url, refreshed.body.access_token, '/users/me')).status).toBe(401);
  });

  it('approves as the user set with /_sim/authorize-as, or denies', async () => {
    const other = s.sim.state().members.find((m) => !m.isAdmin && m.isActive);
    expect(other).toBeDefined();
    expect((await control(s.url, 'POST', '/authorize-as', { userGid: other?.gid })).status).toBe(200);
    const login = await oauthLogin(s.url);
    expect(login.userGid).toBe(other?.gid);

    await control(s.url, 'POST', '/authorize-as', { deny: true });
    const denied = await authorize(s.url, { client_id: APP.clientId, redirect_uri: REDIRECT_URI, response_type: 'code', state: 'q' });
    expect(new URL(denied.location as string).searchParams.get('error')).toBe('access_denied');
    await control(s.url, 'POST', '/authorize-as', { userGid: null, deny: false });
    expect((await oauthLogin(s.url)).userGid).toBe(s.sim.state().adminUserGid);
  });

  it('expireAccessTokens makes tokens 401 while refresh still works; revokeGrants ends refresh too', async () => {
    const login = await oauthLogin(s.url);
    await control(s.url, 'POST', '/faults', { expireAccessTokens: true });
    const expired = await api(s.url, login.accessToken, '/users/me');
    expect(expired.status).toBe(401);
    expect(expired.body.errors[0].message).toContain('expired');
    const refreshed = await tokenRequest(s.url, {
      grant_type: 'refresh_token',
      client_id: APP.clientId,
      client_secret: APP.clientSecret,
      refresh_token: login.refreshToken,
    });
    expect(refreshed.status).toBe(200);

    await control(s.url, 'POST', '/faults', { revokeGrants: true });
    expect((await api(s.url, refreshed.body.access_token, '/users/me')).status).toBe(401);
    const afterRevoke = await tokenRequest(s.url, {
      grant_type: 'refresh_token',
      client_id: APP.clientId,
      client_secret: APP.clientSecret,
      refresh_token: login.refreshToken,
    });
    expect(afterRevoke.body.error).toBe('invalid_grant');
  });

  it('registers apps idempotently and never shows their secrets', async () => {
    const app = { clientId: 'second', clientSecret: 'shh-123', redirectUris: ['http://localhost:4000/cb'] };
    expect((await control(s.url, 'POST', '/apps', app)).status).toBe(200);
    expect((await control(s.url, 'POST', '/apps', { ...app, redirectUris: ['http://localhost:4000/cb2'] })).status).toBe(200);
    const state = await control(s.url, 'GET', '/state');
    const second = state.body.apps.filter((a: { clientId: string }) => a.clientId === 'second');
    expect(second).toEqual([{ clientId: 'second', name: 'second', redirectUris: ['http://localhost:4000/cb2'] }]);
    expect(JSON.stringify(state.body)).not.toContain('shh-123');
    expect((await control(s.url, 'POST', '/apps', { clientId: 'x', clientSecret: 'y', redirectUris: ['not a url'] })).status).toBe(400);
  });
});

describe('OAuth expiry (moved clock)', () => {
  const clock = fakeClock();
  let s: RunningSimulator;
  beforeAll(async () => {
    s = await start({ now: clock.now, scenario: { members: 5, guests: 0, viewOnly: 0, admins: 1 } });
  });
  afterAll(() => s.close());

  it('expires access tokens after their lifetime, and codes after 10 minutes', async () => {
    const login = await oauthLogin(s.url);
    clock.advance(3599_000);
    expect((await api(s.url, login.accessToken, '/users/me')).status).toBe(200);
    clock.advance(2_000);
    const expired = await api(s.url, login.accessToken, '/users/me');
    expect(expired.status).toBe(401);
    expect(expired.body.errors[0].message).toMatch(/expired/);

    const { verifier, challenge } = pkcePair();
    const code = await codeFor(s.url, challenge);
    clock.advance(10 * 60_000 + 1);
    const late = await exchange(s.url, code, verifier);
    expect(late.body).toMatchObject({ error: 'invalid_grant', error_description: expect.stringContaining('expired') });
  });

  it('honours accessTokenTtlSeconds and /_sim/tokens', async () => {
    await control(s.url, 'POST', '/faults', { accessTokenTtlSeconds: 60 });
    const login = await oauthLogin(s.url);
    const direct = await control(s.url, 'POST', '/tokens', { ttlSeconds: 30 });
    expect(direct.status).toBe(200);
    clock.advance(31_000);
    expect((await api(s.url, direct.body.accessToken, '/users/me')).status).toBe(401);
    expect((await api(s.url, login.accessToken, '/users/me')).status).toBe(200);
    clock.advance(30_000);
    expect((await api(s.url, login.accessToken, '/users/me')).status).toBe(401);
    await control(s.url, 'DELETE', '/faults');
  });
});
