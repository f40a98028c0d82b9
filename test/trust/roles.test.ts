// Roles and tokens: a viewer reads everything and changes nothing, an integrator does not manage tokens, a
// revoked token is refused at once, and a token limited to one profile does not see another.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';
import { readyProfile, runJob } from '../support/runs';
import { expectProblem } from '../lists/problems';

type Doc = { paths: Record<string, Record<string, { 'x-roles'?: string[]; security?: unknown[] }>> };

let h: Harness;
let doc: Doc;
const logLines: string[] = [];
const ids: Record<string, string> = {};
const tokens: Record<string, string> = {};

beforeAll(async () => {
  h = await startHarness({ logLines, scenario: { seed: 17, members: 20, guests: 2, viewOnly: 1, admins: 1, inactiveShare: 0.4, recentlyCreatedShare: 0, days: 90 } });
  doc = (await (await fetch(`${h.apiUrl}/api/openapi.json`)).json()) as Doc;
  ids.id = await readyProfile(h, { reclaimSubscriptions: false });
  ids.other = await readyProfile(h, { reclaimSubscriptions: false });
  expect((await runJob(h, ids.id, 'download')).ok).toBe(true);
  ids.modelId = (await h.api('GET', `/api/profiles/${ids.id}/software-models`)).body.items[0].id;
  ids.ruleId = (await h.api('GET', `/api/profiles/${ids.id}/reclamation-rules`)).body.items[0].id;
  const ent = await h.api('POST', `/api/profiles/${ids.id}/entitlements`, { modelId: ids.modelId, quantity: 5, unitPrice: 10, currency: 'EUR', termStart: '2025-01-01', termEnd: '2030-01-01' });
  ids.entitlementId = ent.body.id;
  ids.identifierRuleId = (await h.api('POST', `/api/profiles/${ids.id}/exclusion-rules/identifiers`, { identifier: 'guest' })).body.id;
  ids.userRuleId = (await h.api('POST', `/api/profiles/${ids.id}/exclusion-rules/users`, { email: 'nobody@example.com' })).body.id;
  for (const [name, role, profileIds] of [
    ['reader', 'viewer', undefined],
    ['ops', 'integrator', undefined],
    ['one-profile', 'viewer', [ids.id]],
  ] as const) {
    const created = await h.api('POST', '/api/tokens', { name, role, profileIds });
    expect(created.status, created.text).toBe(201);
    expect(created.body.token).toMatch(/^lmt_/);
    tokens[name] = created.body.token;
  }
}, 180_000);
afterAll(async () => h?.close());

const fill = (template: string) =>
  template.replace(/\{(\w+)\}/g, (_, name: string) => ids[name] ?? (name === 'identifier' ? 'guest_view_only' : name === 'tokenId' ? '00000000-0000-4000-8000-000000000000' : 'x'));

/** Every table's rows, so that "changes nothing" covers the whole database. */
async function snapshot(): Promise<string> {
  const tables = await h.db.query<{ tablename: string }>("SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename NOT IN ('oauth_states', 'api_tokens') ORDER BY tablename");
  const out: Record<string, unknown> = {};
  for (const { tablename } of tables) out[tablename] = await h.db.query(`SELECT * FROM "${tablename}" ORDER BY 1`);
  return JSON.stringify(out);
}

describe('roles', () => {
  it('a viewer reads every list, and is refused (403, naming the role) on every state-changing route', async () => {
    const ops = Object.entries(doc.paths).flatMap(([p, item]) => Object.entries(item).filter(([, op]) => op.security === undefined).map(([m, op]) => ({ method: m.toUpperCase(), path: p, roles: op['x-roles'] ?? [] })));
    const reads = ops.filter((o) => o.method === 'GET' && o.roles.includes('viewer') && o.path !== '/metrics');
    const changes = ops.filter((o) => o.method !== 'GET');
    expect(reads.length).toBeGreaterThan(15);
    expect(changes.length).toBeGreaterThan(20);
    const failures: string[] = [];
    for (const o of reads) {
      const res = await h.api('GET', fill(o.path), undefined, { token: tokens.reader });
      if (res.status !== 200) failures.push(`GET ${o.path}: ${res.status} ${res.text.slice(0, 120)}`);
    }
    const before = await snapshot();
    for (const o of changes) {
      const res = await h.api(o.method, fill(o.path), {}, { token: tokens.reader });
      if (res.status !== 403 || !res.headers.get('content-type')?.includes('problem+json') || !['integrator', 'admin'].includes(res.body.requiredRole)) {
        failures.push(`${o.method} ${o.path}: ${res.status} ${res.text.slice(0, 120)}`);
      }
    }
    // A GET that starts a change (the OAuth consent) is not a viewer's either.
    expectProblem(await h.api('GET', `/api/profiles/${ids.id}/oauth/authorize`, undefined, { token: tokens.reader }), 403, /needs the integrator role.*"reader" is a viewer/);
    expect(failures).toEqual([]);
    expect(await snapshot()).toBe(before);
    const me = await h.api('GET', '/api/me', undefined, { token: tokens.reader });
    expect(me.body).toMatchObject({ name: 'reader', role: 'viewer', profileIds: null });
    expect(me.body.operations).toContain('GET /api/profiles/{id}/subscriptions');
    expect(me.body.operations).not.toContain('PATCH /api/profiles/{id}');
  }, 120_000);

  it('an integrator changes profiles but cannot manage tokens; metrics are for admins and viewers', async () => {
    const renamed = await h.api('PATCH', `/api/profiles/${ids.id}`, { displayName: 'Renamed by ops' }, { token: tokens.ops });
    expect(renamed.status, renamed.text).toBe(200);
    expectProblem(await h.api('GET', '/api/tokens', undefined, { token: tokens.ops }), 403, /needs the admin role/);
    expectProblem(await h.api('POST', '/api/tokens', { name: 'sneaky', role: 'admin' }, { token: tokens.ops }), 403, /needs the admin role/);
    expectProblem(await h.api('DELETE', `/api/tokens/${ids.id}`, undefined, { token: tokens.ops }), 403, /needs the admin role/);
    expect((await h.api('GET', '/metrics', undefined, { token: tokens.ops })).status).toBe(403);
    expect((await fetch(`${h.apiUrl}/metrics`, { headers: { authorization: `Bearer ${tokens.reader}` } })).status).toBe(200);
    const listed = await h.api('GET', '/api/tokens');
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((t: { name: string }) => t.name)).toEqual(expect.arrayContaining(['reader', 'ops', 'one-profile']));
    expect(listed.text).not.toContain(tokens.ops!.slice(-20));
    expect(listed.text).not.toMatch(/secret|hash/i);
  });

  it('a revoked token is refused at once', async () => {
    const created = await h.api('POST', '/api/tokens', { name: 'temporary', role: 'integrator' });
    const token = created.body.token as string;
    expect((await h.api('GET', '/api/profiles', undefined, { token })).status).toBe(200);
    expect((await h.api('DELETE', `/api/tokens/${created.body.id}`)).status).toBe(204);
    expectProblem(await h.api('GET', '/api/profiles', undefined, { token }), 401, /not valid/);
    // A token of the right shape with a wrong secret opens nothing either.
    expectProblem(await h.api('GET', '/api/profiles', undefined, { token: `${tokens.ops!.slice(0, -4)}AAAA` }), 401, /not valid/);
    const listed = (await h.api('GET', '/api/tokens')).body.items.find((t: { id: string }) => t.id === created.body.id);
    expect(listed.revokedAt).not.toBeNull();
    expectProblem(await h.api('DELETE', '/api/tokens/00000000-0000-4000-8000-000000000000'), 404, /does not exist/);
  });

  it('a token limited to one profile does not see another', async () => {
    const token = tokens['one-profile']!;
    const list = await h.api('GET', '/api/profiles', undefined, { token });
    expect(list.body.items.map((p: { id: string }) => p.id)).toEqual([ids.id]);
    expect(list.body.total).toBe(1);
    expect((await h.api('GET', `/api/profiles/${ids.id}/subscriptions`, undefined, { token })).status).toBe(200);
    expectProblem(await h.api('GET', `/api/profiles/${ids.other}`, undefined, { token }), 404, /does not exist/);
    expectProblem(await h.api('GET', `/api/profiles/${ids.other}/subscriptions`, undefined, { token }), 404, /does not exist/);
    expectProblem(await h.api('GET', `/api/profiles/${ids.other!.toUpperCase()}/job-results`, undefined, { token }), 404, /does not exist/);
  });

  it('refuses tokens that cannot be: a limited admin, an unknown profile, a name taken or reserved', async () => {
    expectProblem(await h.api('POST', '/api/tokens', { name: 'x', role: 'admin', profileIds: [ids.id] }), 400, /admin token sees every profile/);
    expectProblem(await h.api('POST', '/api/tokens', { name: 'y', role: 'viewer', profileIds: ['00000000-0000-4000-8000-000000000000'] }), 404, /does not exist/);
    expectProblem(await h.api('POST', '/api/tokens', { name: 'reader', role: 'viewer' }), 409, /already named "reader"/);
    expectProblem(await h.api('POST', '/api/tokens', { name: 'schedule', role: 'viewer' }), 400, /another kind of actor/);
    expectProblem(await h.api('POST', '/api/tokens', { name: 'z', role: 'owner' }), 400, /role/);
  });

  it('npm run tokens creates a token from a shell', async () => {
    const root = path.join(__dirname, '..', '..');
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/access/tokensCli.ts', 'create', '--name', 'shell-ops', '--role', 'viewer'], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: h.workerEnv.DATABASE_URL! },
    });
    const token = stdout.trim().split('\n').pop()!;
    expect(token).toMatch(/^lmt_/);
    const me = await h.api('GET', '/api/me', undefined, { token });
    expect(me.body).toMatchObject({ name: 'shell-ops', role: 'viewer' });
    const listed = (await h.api('GET', '/api/tokens')).body.items.find((t: { name: string }) => t.name === 'shell-ops');
    expect(listed.createdBy).toBe('cli');
  }, 60_000);

  it('never writes a token secret to the log or the database', async () => {
    const secrets = Object.values(tokens).map((t) => t.slice('lmt_'.length + 33));
    expect(secrets.every((s) => s.length === 43)).toBe(true);
    const logged = logLines.join('\n');
    for (const secret of secrets) expect(logged).not.toContain(secret);
    const stored = JSON.stringify(await h.db.query('SELECT * FROM api_tokens'));
    for (const secret of secrets) expect(stored).not.toContain(secret);
    const trail = JSON.stringify(await h.db.query('SELECT * FROM audit_events'));
    for (const secret of [...secrets, h.apiToken]) expect(trail).not.toContain(secret);
  });
});
