import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '@licence-manager/asana-simulator';
import { startHarness, type Harness } from '../support/harness';
import { jobResults, runJob } from '../support/runs';

let h: Harness;
let second: RunningSimulator;

beforeAll(async () => {
  h = await startHarness({ scenario: { seed: 31, members: 120, guests: 5, viewOnly: 5, admins: 2, inactiveShare: 0.2, days: 30, deactivatedMembers: 0 } });
  // A second organization (another Asana) where the same OAuth app is registered.
  second = await startSimulator({
    port: 0,
    scenario: { seed: 32, members: 70, guests: 3, viewOnly: 0, admins: 1, inactiveShare: 0.2, days: 30, deactivatedMembers: 0, workspaceName: 'Second Org' },
    apps: [{ ...h.app, redirectUris: [`${h.apiUrl}/oauth_redirect`] }],
  });
});
afterAll(async () => {
  await second?.close();
  await h?.close();
});

async function authorizeAndValidate(profileId: string) {
  const authorized = await h.authorize(profileId);
  expect(authorized.status, authorized.text).toBe(200);
  const validated = await h.api('POST', `/api/profiles/${profileId}/validate`);
  expect(validated.body.validation.passed, validated.text).toBe(true);
}

describe('several organizations', () => {
  it('runs a parent and a child connection side by side, apart, and refuses to delete a parent in use', async () => {
    // The parent's owner allows its app to be used at the second Asana too.
    const parent = await h.api('POST', '/api/profiles', {
      displayName: 'First org',
      connection: { clientId: h.app.clientId, clientSecret: h.app.clientSecret, childBaseUrls: [second.url] },
    });
    const child = await h.api('POST', '/api/profiles', { displayName: 'Second org', connection: { parentProfileId: parent.body.id, baseUrl: second.url } });
    expect(child.status, child.text).toBe(201);
    expect(child.body.connection).toMatchObject({ parentProfileId: parent.body.id, clientId: h.app.clientId, clientSecretSet: true, baseUrl: second.url, authorized: false });
    expect(child.text).not.toContain(h.app.clientSecret);

    await authorizeAndValidate(parent.body.id);
    await authorizeAndValidate(child.body.id);
    const [p, c] = await Promise.all([h.api('GET', `/api/profiles/${parent.body.id}`), h.api('GET', `/api/profiles/${child.body.id}`)]);
    expect(p.body.connection.workspaceGid).not.toBe(c.body.connection.workspaceGid);
    expect(c.body.connection.authorizedUser.gid).toBe(second.sim.state().adminUserGid);

    const [a, b] = await Promise.all([runJob(h, parent.body.id, 'download'), runJob(h, child.body.id, 'download')]);
    expect(a.ok && b.ok).toBe(true);
    const members = (sim: { members: Array<{ isActive: boolean; removedAt: string | null }> }) => sim.members.filter((m) => m.isActive && !m.removedAt).length;
    const firstOrg = await h.simControl('GET', '/_sim/state');
    expect((await jobResults(h, parent.body.id))[0]!.counts.members).toBe(members(firstOrg));
    expect((await jobResults(h, child.body.id))[0]!.counts.members).toBe(members(second.sim.state()));
    const subs = await h.db.query<{ profile_id: string; n: number }>('SELECT profile_id, count(*)::int AS n FROM subscriptions GROUP BY profile_id');
    expect(Object.fromEntries(subs.map((r) => [r.profile_id, r.n]))).toEqual({ [parent.body.id]: members(firstOrg), [child.body.id]: members(second.sim.state()) });
    // Each profile's requests went to its own organization.
    expect(second.sim.requests().some((r) => r.path.includes('workspace_memberships'))).toBe(true);

    const refused = await h.api('DELETE', `/api/profiles/${parent.body.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toContain(child.body.id);
    expect((await h.api('GET', `/api/profiles/${parent.body.id}`)).status).toBe(200);

    // A child cannot carry an app of its own, nor be a parent.
    expect((await h.api('PATCH', `/api/profiles/${child.body.id}`, { connection: { clientSecret: 'x' } })).status).toBe(400);
    expect((await h.api('POST', '/api/profiles', { displayName: 'Grandchild', connection: { parentProfileId: child.body.id } })).status).toBe(409);
    expect((await h.api('POST', '/api/profiles', { displayName: 'Orphan', connection: { parentProfileId: '00000000-0000-4000-8000-000000000000' } })).status).toBe(404);

    // A new secret on the parent drops the child's tokens too (they were issued to the old app).
    const rotated = await h.api('PATCH', `/api/profiles/${parent.body.id}`, { connection: { clientSecret: h.app.clientSecret } });
    expect(rotated.status, rotated.text).toBe(200);
    expect(rotated.body.connection.authorized).toBe(false);
    expect((await h.api('GET', `/api/profiles/${child.body.id}`)).body.connection.authorized).toBe(false);

    expect((await h.api('DELETE', `/api/profiles/${child.body.id}`)).status).toBe(204);
    expect((await h.api('DELETE', `/api/profiles/${parent.body.id}`)).status).toBe(204);
  });

  it("never sends the parent's client secret to a host the parent did not allow", async () => {
    // A listener that records what reaches it, standing in for a host an attacker controls.
    const received: string[] = [];
    const trap = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push(`${req.method} ${req.url} ${body}`);
        res.writeHead(302, { location: 'http://127.0.0.1:1/' }).end();
      });
    });
    await new Promise<void>((resolve) => trap.listen(0, '127.0.0.1', resolve));
    const trapUrl = `http://127.0.0.1:${(trap.address() as AddressInfo).port}`;
    try {
      const parent = await h.api('POST', '/api/profiles', { displayName: 'Owner', connection: { clientId: h.app.clientId, clientSecret: h.app.clientSecret } });
      const refused = await h.api('POST', '/api/profiles', { displayName: 'Thief', connection: { parentProfileId: parent.body.id, baseUrl: trapUrl } });
      expect(refused.status, refused.text).toBe(400);
      expect(refused.body.errors[0].field).toBe('connection.baseUrl');
      const profiles = await h.db.query<{ n: number }>('SELECT count(*)::int AS n FROM profiles WHERE display_name = $1', ['Thief']);
      expect(profiles[0]!.n).toBe(0);

      // A child made while the URL was allowed loses the secret the moment the parent stops allowing it.
      expect((await h.api('PATCH', `/api/profiles/${parent.body.id}`, { connection: { childBaseUrls: [trapUrl] } })).status).toBe(200);
      const child = await h.api('POST', '/api/profiles', { displayName: 'Was allowed', connection: { parentProfileId: parent.body.id, baseUrl: trapUrl } });
      expect(child.status, child.text).toBe(201);
      expect((await h.api('PATCH', `/api/profiles/${parent.body.id}`, { connection: { childBaseUrls: [] } })).status).toBe(200);
      expect((await h.api('GET', `/api/profiles/${child.body.id}`)).body.connection.clientSecretSet).toBe(false);
      const start = await h.api('GET', `/api/profiles/${child.body.id}/oauth/authorize`);
      expect(start.status).toBe(409);

      // Moving the parent itself elsewhere needs its secret entered again.
      const moved = await h.api('PATCH', `/api/profiles/${parent.body.id}`, { connection: { baseUrl: trapUrl } });
      expect(moved.status, moved.text).toBe(400);
      expect(moved.body.errors[0].field).toBe('connection.clientSecret');
      expect((await h.api('GET', `/api/profiles/${parent.body.id}`)).body.connection.baseUrl).toBe(h.sim.url);

      // A child's base URL cannot be changed to one the parent does not allow either.
      const other = await h.api('POST', '/api/profiles', { displayName: 'Honest child', connection: { parentProfileId: parent.body.id } });
      expect(other.body.connection.baseUrl).toBe(h.sim.url);
      expect((await h.api('PATCH', `/api/profiles/${other.body.id}`, { connection: { baseUrl: trapUrl } })).status).toBe(400);
      expect(received.filter((r) => r.includes(h.app.clientSecret))).toEqual([]);
      expect(received).toEqual([]);
    } finally {
      await new Promise((resolve) => trap.close(resolve));
    }
  });
});
