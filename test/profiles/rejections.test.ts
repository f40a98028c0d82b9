import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';

let h: Harness;
let profileId: string;

beforeAll(async () => {
  h = await startHarness({ scenario: { seed: 21, members: 10, admins: 1, isOrganization: true, auditLog: 'enabled' } });
  const res = await h.api('POST', '/api/profiles', { displayName: 'Rejections', connection: { clientId: h.app.clientId, clientSecret: h.app.clientSecret } });
  profileId = res.body.id;
});
afterAll(async () => h?.close());

function expectProblem(res: { status: number; headers: Headers; body: { detail?: string; status?: number } }, status: number, detail: RegExp) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
  expect(res.body.status).toBe(status);
  expect(res.body.detail).toMatch(detail);
}

async function snapshot() {
  const rows = await h.db.query('SELECT p.*, c.version, c.client_id, c.base_url FROM profiles p JOIN connections c ON c.profile_id = p.id ORDER BY p.id');
  return JSON.stringify(rows);
}

describe('rejected requests change nothing', () => {
  it('publishing before validation is a 409 that says why', async () => {
    const before = await snapshot();
    expectProblem(await h.api('POST', `/api/profiles/${profileId}/publish`), 409, /not authorized/);
    expect((await h.authorize(profileId)).status).toBe(200);
    const authorized = await snapshot();
    expectProblem(await h.api('POST', `/api/profiles/${profileId}/publish`), 409, /not been validated/);
    expect(await snapshot()).toBe(authorized);
    expect(authorized).not.toBe(before);
  });

  it('turning off downloadSubscriptions is a 400 that says so', async () => {
    const before = await snapshot();
    const res = await h.api('PATCH', `/api/profiles/${profileId}`, { displayName: 'Renamed', options: { downloadSubscriptions: false } });
    expectProblem(res, 400, /downloadSubscriptions is always on/);
    expect(await snapshot()).toBe(before);
    const created = await h.api('POST', '/api/profiles', { displayName: 'No downloads', options: { downloadSubscriptions: false } });
    expectProblem(created, 400, /downloadSubscriptions/);
    expect(await snapshot()).toBe(before);
  });

  it('analyzeActivityFrom earlier than the allowed 60 days is a 400', async () => {
    const before = await snapshot();
    const tooEarly = new Date(Date.now() - 61 * 86_400_000).toISOString();
    expectProblem(await h.api('PATCH', `/api/profiles/${profileId}`, { options: { analyzeActivityFrom: tooEarly } }), 400, /analyzeActivityFrom.*60 days/);
    expectProblem(await h.api('POST', '/api/profiles', { displayName: 'Early', options: { analyzeActivityFrom: tooEarly } }), 400, /analyzeActivityFrom/);
    expect(await snapshot()).toBe(before);
    const fine = new Date(Date.now() - 59 * 86_400_000).toISOString();
    const ok = await h.api('PATCH', `/api/profiles/${profileId}`, { options: { analyzeActivityFrom: fine } });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body.options.analyzeActivityFrom).toBe(fine);
  });

  it('a malformed body is a 400 naming the field', async () => {
    const before = await snapshot();
    expectProblem(await h.api('POST', '/api/profiles', '{"displayName": '), 400, /not valid JSON/);
    const wrongType = await h.api('POST', '/api/profiles', { displayName: 42 });
    expectProblem(wrongType, 400, /displayName/);
    expect(wrongType.body.errors[0].field).toBe('displayName');
    expectProblem(await h.api('PATCH', `/api/profiles/${profileId}`, { options: { reclaimSubscriptions: 'yes' } }), 400, /options\.reclaimSubscriptions/);
    expectProblem(await h.api('PATCH', `/api/profiles/${profileId}`, { connection: { baseUrl: 'not a url' } }), 400, /connection\.baseUrl/);
    expectProblem(await h.api('POST', '/api/profiles', { displayName: 'x', colour: 'blue' }), 400, /colour/);
    expect(await snapshot()).toBe(before);
  });

  it('an unknown profile is a 404', async () => {
    for (const path of ['', '/validate', '/publish', '/unpublish', '/oauth/authorize', '/scheduled-jobs']) {
      const method = ['/validate', '/publish', '/unpublish'].includes(path) ? 'POST' : 'GET';
      expectProblem(await h.api(method, `/api/profiles/00000000-0000-4000-8000-000000000000${path}`), 404, /does not exist/);
    }
    expectProblem(await h.api('GET', '/api/profiles/not-a-uuid'), 404, /does not exist/);
  });

  it('a missing or wrong API token is a 401', async () => {
    const before = await snapshot();
    expectProblem(await h.api('GET', '/api/profiles', undefined, { token: null }), 401, /Bearer/);
    expectProblem(await h.api('POST', '/api/profiles', { displayName: 'x' }, { token: 'wrong' }), 401, /not valid/);
    expectProblem(await h.api('DELETE', `/api/profiles/${profileId}`, undefined, { token: `${h.apiToken}x` }), 401, /not valid/);
    expect(await snapshot()).toBe(before);
  });

  it('a replayed or forged OAuth state gets an error page and changes nothing', async () => {
    const start = await h.api('GET', `/api/profiles/${profileId}/oauth/authorize`);
    const consent = await fetch(start.body.authorizeUrl, { redirect: 'manual' });
    const redirect = consent.headers.get('location')!;
    const first = await fetch(redirect);
    expect(first.status).toBe(200);
    const after = await snapshot();

    const replayed = await fetch(redirect);
    expect(replayed.status).toBe(400);
    expect(await replayed.text()).toMatch(/already used/);

    const forged = new URL(redirect);
    forged.searchParams.set('state', 'forged-state-value');
    const forgedRes = await fetch(forged);
    expect(forgedRes.status).toBe(400);
    expect(await forgedRes.text()).toMatch(/not one this service issued/);

    const noState = new URL(redirect);
    noState.searchParams.delete('state');
    expect((await fetch(noState)).status).toBe(400);
    expect(await snapshot()).toBe(after);
  });

  it('the authorize endpoint redirects a browser to Asana with state and PKCE', async () => {
    const res = await h.api('GET', `/api/profiles/${profileId}/oauth/authorize`, undefined, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(302);
    const url = new URL(res.headers.get('location')!);
    expect(url.origin).toBe(h.sim.url);
    expect(url.pathname).toBe('/-/oauth_authorize');
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('state')?.length).toBeGreaterThanOrEqual(40);
    expect(url.searchParams.get('redirect_uri')).toBe(`${h.apiUrl}/oauth_redirect`);
  });

  it('deleting a profile removes it and its workflow ends', async () => {
    const created = await h.api('POST', '/api/profiles', { displayName: 'Short-lived' });
    expect((await h.api('DELETE', `/api/profiles/${created.body.id}`)).status).toBe(204);
    expectProblem(await h.api('GET', `/api/profiles/${created.body.id}`), 404, /does not exist/);
    const described = await h.temporal.workflow.getHandle(`profile/${created.body.id}`).describe();
    expect(described.status.name).toBe('COMPLETED');
  });
});
