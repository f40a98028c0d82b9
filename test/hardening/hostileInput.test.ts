// Every class of hostile or malformed request, sent to every route: each answer is a 4xx, and nothing is stored.
import http from 'node:http';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';
import { readyProfile, runJob } from '../support/runs';

let h: Harness;
let ids: Record<string, string>;

beforeAll(async () => {
  h = await startHarness({ scenario: { seed: 99, members: 30, guests: 2, viewOnly: 2, admins: 1, inactiveShare: 0.3, days: 70 } });
  const profileId = await readyProfile(h, { reclaimSubscriptions: false });
  expect((await runJob(h, profileId, 'download')).ok).toBe(true);
  const models = (await h.api('GET', `/api/profiles/${profileId}/software-models`)).body.items;
  const rules = (await h.api('GET', `/api/profiles/${profileId}/reclamation-rules`)).body.items;
  const entitlement = await h.api('POST', `/api/profiles/${profileId}/entitlements`, { modelId: models[0].id, quantity: 5, unitPrice: 10, currency: 'EUR', termStart: '2025-01-01', termEnd: '2030-01-01' });
  const identifierRule = await h.api('POST', `/api/profiles/${profileId}/exclusion-rules/identifiers`, { identifier: 'guest' });
  const userRule = await h.api('POST', `/api/profiles/${profileId}/exclusion-rules/users`, { email: 'someone@example.com' });
  ids = { profileId, modelId: models[0].id, ruleId: rules[0].id, entitlementId: entitlement.body.id, identifierRuleId: identifierRule.body.id, userRuleId: userRule.body.id };
});
afterAll(async () => h?.close());

const ROUTES: Array<[method: string, path: string]> = [
  ['GET', '/api/profiles'],
  ['POST', '/api/profiles'],
  ['GET', '/api/profiles/{id}'],
  ['PATCH', '/api/profiles/{id}'],
  ['DELETE', '/api/profiles/{id}'],
  ['GET', '/api/profiles/{id}/oauth/authorize'],
  ['POST', '/api/profiles/{id}/validate'],
  ['POST', '/api/profiles/{id}/publish'],
  ['POST', '/api/profiles/{id}/unpublish'],
  ['GET', '/api/profiles/{id}/scheduled-jobs'],
  ['POST', '/api/profiles/{id}/runs'],
  ['GET', '/api/profiles/{id}/job-results'],
  ['GET', '/api/profiles/{id}/subscriptions'],
  ['GET', '/api/profiles/{id}/subscriptions.csv'],
  ['GET', '/api/profiles/{id}/software-models'],
  ['GET', '/api/profiles/{id}/unrecognized-identifiers'],
  ['POST', '/api/profiles/{id}/unrecognized-identifiers/guest_view_only/mapping'],
  ['GET', '/api/profiles/{id}/reclamation-rules'],
  ['PATCH', '/api/profiles/{id}/reclamation-rules/{ruleId}'],
  ['GET', '/api/profiles/{id}/exclusion-rules/identifiers'],
  ['POST', '/api/profiles/{id}/exclusion-rules/identifiers'],
  ['PATCH', '/api/profiles/{id}/exclusion-rules/identifiers/{identifierRuleId}'],
  ['DELETE', '/api/profiles/{id}/exclusion-rules/identifiers/{identifierRuleId}'],
  ['GET', '/api/profiles/{id}/exclusion-rules/users'],
  ['POST', '/api/profiles/{id}/exclusion-rules/users'],
  ['PATCH', '/api/profiles/{id}/exclusion-rules/users/{userRuleId}'],
  ['DELETE', '/api/profiles/{id}/exclusion-rules/users/{userRuleId}'],
  ['GET', '/api/profiles/{id}/removal-candidates'],
  ['GET', '/api/profiles/{id}/removal-candidates.csv'],
  ['POST', '/api/profiles/{id}/removal-candidates/00000000-0000-4000-8000-000000000000/restore'],
  ['GET', '/api/profiles/{id}/entitlements'],
  ['POST', '/api/profiles/{id}/entitlements'],
  ['GET', '/api/profiles/{id}/entitlements/{entitlementId}'],
  ['PATCH', '/api/profiles/{id}/entitlements/{entitlementId}'],
  ['DELETE', '/api/profiles/{id}/entitlements/{entitlementId}'],
  ['GET', '/api/profiles/{id}/license-position'],
  ['GET', '/api/me'],
  ['GET', '/api/audit-events'],
  ['GET', '/api/audit-events.csv'],
  ['GET', '/api/tokens'],
  ['POST', '/api/tokens'],
  ['DELETE', '/api/tokens/00000000-0000-4000-8000-000000000000'],
  ['GET', '/oauth_redirect'],
  ['GET', '/oauth_redirect.do'],
  ['GET', '/candidate-actions/not-a-token'],
  ['POST', '/candidate-actions/not-a-token'],
];

const fill = (path: string) => path.replace(/\{(\w+)\}/g, (_, name: string) => ids[name === 'id' ? 'profileId' : name]!);

interface Hostile {
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Changes the route's path before it is sent. */
  path?: (path: string) => string;
}

const bomb = zlib.gzipSync(Buffer.alloc(20_000_000, ' '));
const CLASSES: Record<string, Hostile> = {
  'malformed percent-encoding in the path': { path: (p) => (p.includes(ids.profileId!) ? p.replace(ids.profileId!, '%E0%A4%A') : `${p}/%E0%A4%A`) },
  'a body over the limit': { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ displayName: 'x'.repeat(1_100_000) }) },
  'a gzip bomb': { headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: bomb },
  'charset latin1': { headers: { 'content-type': 'application/json; charset=latin1' }, body: '{"displayName":"caf\u00e9"}' },
  'an unknown charset': { headers: { 'content-type': 'application/json; charset=klingon' }, body: '{"displayName":"x"}' },
  'an unknown Content-Encoding': { headers: { 'content-type': 'application/json', 'content-encoding': 'zstd-ish' }, body: '{"displayName":"x"}' },
  'corrupt gzip': { headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: Buffer.from('this is not gzip') },
  'a NUL byte in a string field': { headers: { 'content-type': 'application/json' }, body: '{"displayName":"a\\u0000b","identifier":"a\\u0000b","email":"a\\u0000b@x.example"}' },
  'a NUL byte in a query parameter': { path: (p) => `${p}?identifier=%00` },
  'a non-JSON body': { headers: { 'content-type': 'text/plain' }, body: 'displayName=x' },
};

/** Over node:http, which (unlike fetch) sends a body with a GET too, as a hostile client may. */
function send(method: string, path: string, hostile: Hostile): Promise<{ status: number; type: string; text: string }> {
  const url = new URL(h.apiUrl);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        method,
        path: hostile.path ? hostile.path(path) : path,
        // Node frames a GET or DELETE body only when told its length.
        headers: { authorization: `Bearer ${h.apiToken}`, accept: 'application/json', ...(hostile.body ? { 'content-length': String(Buffer.byteLength(hostile.body)) } : {}), ...hostile.headers },
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), text }));
      },
    );
    req.on('error', reject);
    req.end(hostile.body);
  });
}

/** Every table's rows, so that "nothing stored" is checked for the whole database. */
async function snapshot(): Promise<string> {
  const tables = await h.db.query<{ tablename: string }>("SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'oauth_states' ORDER BY tablename");
  const out: Record<string, unknown> = {};
  for (const { tablename } of tables) out[tablename] = await h.db.query(`SELECT * FROM "${tablename}" ORDER BY 1`);
  return JSON.stringify(out);
}

describe('hostile input', () => {
  it('every class, on every route, is a 4xx (problem+json under /api) and stores nothing', async () => {
    const before = await snapshot();
    const failures: string[] = [];
    let sent = 0;
    for (const [method, template] of ROUTES) {
      for (const [name, hostile] of Object.entries(CLASSES)) {
        const res = await send(method, fill(template), hostile);
        sent += 1;
        const api = template.startsWith('/api');
        if (res.status < 400 || res.status >= 500 || (api && !res.type.includes('application/problem+json'))) {
          failures.push(`${method} ${template} with ${name}: ${res.status} ${res.text.slice(0, 160)}`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(sent).toBe(ROUTES.length * Object.keys(CLASSES).length);
    expect(await snapshot()).toBe(before);
  }, 120_000);

  it('answers each class with the status that names it', async () => {
    const patch = fill('/api/profiles/{id}');
    const statuses = Object.fromEntries(await Promise.all(Object.entries(CLASSES).map(async ([name, hostile]) => [name, (await send('PATCH', patch, hostile)).status] as const)));
    expect(statuses).toEqual({
      'malformed percent-encoding in the path': 400,
      'a body over the limit': 413,
      'a gzip bomb': 413,
      'charset latin1': 415,
      'an unknown charset': 415,
      'an unknown Content-Encoding': 415,
      'corrupt gzip': 400,
      'a NUL byte in a string field': 400,
      'a NUL byte in a query parameter': 400,
      'a non-JSON body': 415,
    });
    // Page sizes and offsets are decimal digits only, on every list.
    for (const [method, template] of ROUTES.filter(([m, p]) => m === 'GET' && p.startsWith('/api') && !/\{\w+\}$|authorize|\.csv|position/.test(p))) {
      for (const bad of ['limit=0x10', 'limit=1e1', 'offset=+1', 'limit=%201']) {
        const res = await send(method, `${fill(template)}?${bad}`, {});
        expect([template, bad, res.status]).toEqual([template, bad, 400]);
      }
    }
    expect((await send('GET', `${fill('/api/profiles/{id}/subscriptions')}?limit=16`, {})).status).toBe(200);
    expect((await send('GET', `${fill('/api/profiles/{id}/license-position')}?historyLimit=0x5`, {})).status).toBe(400);
    const nul = await send('POST', '/api/profiles', CLASSES['a NUL byte in a string field']!);
    expect(JSON.parse(nul.text).errors[0]).toEqual({ field: 'displayName', message: 'must not contain a NUL character' });
    expect((await send('GET', `${fill('/api/profiles/{id}/subscriptions')}?identifier=%00`, {})).status).toBe(400);
  });

  it('refuses dates no database stores, and never echoes a huge field back', async () => {
    const year0 = await h.api('POST', `/api/profiles/${ids.profileId}/entitlements`, { modelId: ids.modelId, quantity: 1, unitPrice: 1, currency: 'EUR', termStart: '0000-01-01', termEnd: '2030-01-01' });
    expect(year0.status).toBe(400);
    expect(year0.body.errors[0].field).toBe('termStart');
    expect((await h.api('GET', `/api/profiles/${ids.profileId}/subscriptions?inactiveSince=0000-01-01`)).status).toBe(400);

    const huge = 'x'.repeat(100_000);
    const echoed = await h.api('POST', '/api/profiles', { displayName: 'Echo', [huge]: 1 });
    expect(echoed.status).toBe(400);
    expect(echoed.text.length).toBeLessThan(5_000);
    // (A query past Node's header limit, 16 KB, is refused by the HTTP server itself, with a 431.)
    const state = await h.api('GET', `/api/profiles/${ids.profileId}/removal-candidates?state=${huge.slice(0, 10_000)}`);
    expect(state.status).toBe(400);
    expect(state.text.length).toBeLessThan(5_000);
    const missing = await h.api('GET', `/api/profiles/${'a'.repeat(8000)}`);
    expect(missing.status).toBe(404);
    expect(missing.text.length).toBeLessThan(5_000);
  });
});
