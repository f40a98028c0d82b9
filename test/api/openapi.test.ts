// The OpenAPI document of the control API: valid OpenAPI 3.1, every route of the README in it, and real answers
// of every operation (successes and documented errors alike) valid against it.
import fs from 'node:fs';
import path from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type ApiResponse, type Harness } from '../support/harness';
import { readyProfile, runJob } from '../support/runs';

type Doc = { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: object }> }>; security?: unknown[] }>>; components: Record<string, unknown> };

let h: Harness;
let doc: Doc;
const ids: Record<string, string> = {};

beforeAll(async () => {
  h = await startHarness({ scenario: { seed: 61, members: 40, guests: 4, viewOnly: 2, admins: 1, inactiveShare: 0.4, recentlyCreatedShare: 0, days: 90 } });
  const res = await fetch(`${h.apiUrl}/api/openapi.json`);
  expect(res.status).toBe(200);
  doc = (await res.json()) as Doc;
  ids.id = await readyProfile(h, { reclaimSubscriptions: false });
  expect((await runJob(h, ids.id, 'download')).ok).toBe(true);
  expect((await runJob(h, ids.id, 'activity')).ok).toBe(true);
  expect((await runJob(h, ids.id, 'reconcile')).ok).toBe(true);
  const models = (await h.api('GET', `/api/profiles/${ids.id}/software-models`)).body.items;
  ids.modelId = models[0].id;
  ids.ruleId = (await h.api('GET', `/api/profiles/${ids.id}/reclamation-rules`)).body.items[0].id;
  ids.entitlementId = (await h.api('POST', `/api/profiles/${ids.id}/entitlements`, { modelId: ids.modelId, quantity: 5, unitPrice: 10, currency: 'EUR', termStart: '2025-01-01', termEnd: '2030-01-01' })).body.id;
  ids.identifierRuleId = (await h.api('POST', `/api/profiles/${ids.id}/exclusion-rules/identifiers`, { identifier: 'guest' })).body.id;
  ids.userRuleId = (await h.api('POST', `/api/profiles/${ids.id}/exclusion-rules/users`, { email: 'nobody@example.com' })).body.id;
}, 120_000);
afterAll(async () => h?.close());

const MISSING = '00000000-0000-4000-8000-000000000000';

/** The documented operation a concrete path belongs to. */
function operationOf(method: string, concrete: string) {
  const pathOnly = concrete.split('?')[0]!;
  for (const [template, item] of Object.entries(doc.paths)) {
    const re = new RegExp(`^${template.replace(/\./g, '\\.').replace(/\{[^}]+\}/g, '[^/]+')}$`);
    if (re.test(pathOnly) && item[method.toLowerCase()]) return { template, op: item[method.toLowerCase()]! };
  }
  return null;
}

function validator() {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  return (schema: object, data: unknown) => {
    const validate = ajv.compile({ ...schema, components: doc.components });
    return validate(data) ? null : ajv.errorsText(validate.errors);
  };
}

describe('the OpenAPI document', () => {
  it('is valid OpenAPI 3.1, served without a token, with a docs page that works offline', async () => {
    const result = await new Validator().validate(doc as never);
    expect(result.errors ?? [], JSON.stringify(result.errors)).toEqual([]);
    expect(result.valid).toBe(true);
    expect((doc as { openapi?: string }).openapi).toBe('3.1.0');
    const page = await fetch(`${h.apiUrl}/api/docs`);
    expect(page.status).toBe(200);
    const html = await page.text();
    let served = html;
    for (const asset of html.matchAll(/(?:src|href)="(\/api\/docs\/[^"]+)"/g)) {
      const res2 = await fetch(`${h.apiUrl}${asset[1]}`);
      expect(res2.status, asset[1]).toBe(200);
      served += asset[1]!.endsWith('init.js') ? await res2.text() : '';
    }
    expect(served).toContain('/api/openapi.json');
    // Everything from this origin: nothing fetched from elsewhere.
    expect(html).not.toMatch(/(?:src|href)="https?:/);
  });

  it('has every route the README lists', () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
    const routes = new Set<string>();
    // A table row's `.../{x}` continues the row's previous path; another `...` stands for /api/profiles/{id}.
    for (const row of readme.split('\n').filter((l) => l.startsWith('|'))) {
      let last = '';
      for (const cell of row.matchAll(/`((?:GET|POST|PATCH|DELETE)(?:`\/`(?:GET|POST|PATCH|DELETE))* [^`]+)`/g)) {
        const [methods, raw] = cell[1]!.split(' ');
        const p = raw!.split('?')[0]!.replace(/^\.\.\.(?=\/\{)/, last).replace(/^\.\.\./, '/api/profiles/{id}');
        last = p;
        // Only this service's routes (the README also names Asana's endpoints).
        if (!/^\/(api|oauth_redirect|candidate-actions|healthz|readyz|metrics)/.test(p)) continue;
        for (const m of methods!.split('`/`')) routes.add(`${m} ${p}`);
      }
    }
    expect(routes.size).toBeGreaterThan(30);
    const documented = new Set(Object.entries(doc.paths).flatMap(([p, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${p}`)));
    expect([...routes].filter((r) => !documented.has(r))).toEqual([]);
  });

  it('describes what every operation really answers, errors included', async () => {
    const check = validator();
    const p = `/api/profiles/${ids.id}`;
    const calls: Array<[method: string, path: string, body?: unknown, token?: null]> = [
      ['GET', '/healthz'],
      ['GET', '/readyz'],
      ['GET', '/api/profiles'],
      ['GET', '/api/profiles', undefined, null],
      ['GET', '/api/profiles?limit=0x1'],
      ['POST', '/api/profiles', { displayName: 'Docs', connection: { clientId: h.app.clientId, clientSecret: h.app.clientSecret } }],
      ['POST', '/api/profiles', { displayName: '' }],
      ['POST', '/api/profiles', { displayName: 'Orphan', connection: { parentProfileId: MISSING } }],
      ['GET', p],
      ['GET', `/api/profiles/${MISSING}`],
      ['PATCH', p, { displayName: 'Docs profile' }],
      ['PATCH', p, { options: { downloadSubscriptions: false } }],
      ['GET', `${p}/oauth/authorize`],
      ['POST', `${p}/validate`],
      ['POST', `${p}/unpublish`],
      ['POST', `${p}/publish`],
      ['GET', `${p}/scheduled-jobs`],
      ['POST', `${p}/runs`, { job: 'nope' }],
      ['POST', `${p}/runs`, { job: 'reconcile' }],
      ['GET', `${p}/job-results`],
      ['GET', `${p}/job-results?kind=download`],
      ['GET', `${p}/subscriptions`],
      ['GET', `${p}/subscriptions?status=gone`],
      ['GET', `${p}/removal-candidates`],
      ['GET', `${p}/removal-candidates?state=ready,attention_required`],
      ['GET', `${p}/software-models`],
      ['PATCH', `${p}/software-models/${ids.modelId}`, { billable: true }],
      ['PATCH', `${p}/software-models/${MISSING}`, { billable: true }],
      ['GET', `${p}/unrecognized-identifiers`],
      ['POST', `${p}/unrecognized-identifiers/guest_view_only/mapping`, { edition: 'Guest (view-only)' }],
      ['POST', `${p}/unrecognized-identifiers/nothing/mapping`, { edition: 'Nothing' }],
      ['GET', `${p}/reclamation-rules`],
      ['PATCH', `${p}/reclamation-rules/${ids.ruleId}`, { thresholdDays: 90 }],
      ['PATCH', `${p}/reclamation-rules/${ids.ruleId}`, { thresholdDays: -1 }],
      ['GET', `${p}/exclusion-rules/identifiers`],
      ['POST', `${p}/exclusion-rules/identifiers`, { identifier: 'view_only' }],
      ['POST', `${p}/exclusion-rules/identifiers`, { identifier: 'guest' }],
      ['PATCH', `${p}/exclusion-rules/identifiers/${ids.identifierRuleId}`, { reason: 'free' }],
      ['GET', `${p}/exclusion-rules/users`],
      ['POST', `${p}/exclusion-rules/users`, { userGid: '123' }],
      ['PATCH', `${p}/exclusion-rules/users/${ids.userRuleId}`, { active: false }],
      ['GET', `${p}/entitlements`],
      ['POST', `${p}/entitlements`, { modelId: ids.modelId, quantity: 1, unitPrice: 1, currency: 'USD', termStart: '2025-01-01', termEnd: '2026-01-01' }],
      ['GET', `${p}/entitlements/${ids.entitlementId}`],
      ['PATCH', `${p}/entitlements/${ids.entitlementId}`, { quantity: 7 }],
      ['GET', `${p}/license-position`],
      ['GET', `${p}/subscriptions.csv`],
      ['GET', `${p}/removal-candidates.csv`],
      ['POST', `${p}/removal-candidates/${MISSING}/restore`],
      ['GET', '/oauth_redirect?state=unknown&code=x'],
      ['GET', '/oauth_redirect.do'],
      ['GET', '/metrics'],
      ['GET', '/api/me'],
      ['GET', '/api/audit-events'],
      ['GET', '/api/audit-events?since=nope'],
      ['GET', `/api/audit-events.csv?profileId=${ids.id}`],
      ['GET', '/api/tokens'],
      ['POST', '/api/tokens', { name: 'docs', role: 'viewer' }],
      ['POST', '/api/tokens', { name: '', role: 'viewer' }],
      ['DELETE', `/api/tokens/${MISSING}`],
      ['GET', '/metrics', undefined, null],
      ['GET', '/candidate-actions/not-a-token'],
      ['POST', '/candidate-actions/not-a-token'],
      ['POST', '/api/session', { token: 'not-the-token' }, null],
      ['POST', '/api/session', { token: h.apiToken }, null],
      ['POST', '/api/session', { token: '' }, null],
      ['GET', '/api/session', undefined, null],
      ['DELETE', '/api/session', undefined, null],
      ['DELETE', `${p}/exclusion-rules/identifiers/${ids.identifierRuleId}`],
      ['DELETE', `${p}/exclusion-rules/users/${ids.userRuleId}`],
      ['DELETE', `${p}/entitlements/${ids.entitlementId}`],
      ['DELETE', `${p}/entitlements/${MISSING}`],
      ['DELETE', `/api/profiles/${MISSING}`],
    ];
    const seen = new Set<string>();
    const failures: string[] = [];
    for (const [method, url, body, token] of calls) {
      const res: ApiResponse = await h.api(method, url, body, token === null ? { token: null } : {});
      const found = operationOf(method, url);
      if (!found) {
        failures.push(`${method} ${url}: not in the document`);
        continue;
      }
      seen.add(`${method.toLowerCase()} ${found.template}`);
      const documented = found.op.responses[String(res.status)];
      if (!documented) {
        failures.push(`${method} ${url}: answered ${res.status}, which is not documented (${Object.keys(found.op.responses).join(', ')})`);
        continue;
      }
      const type = (res.headers.get('content-type') ?? '').split(';')[0]!;
      if (res.status === 204) continue;
      const content = documented.content?.[type];
      if (!content) {
        failures.push(`${method} ${url}: ${res.status} as ${type}, documented as ${Object.keys(documented.content ?? {}).join(', ') || 'no content'}`);
        continue;
      }
      if (type.includes('json')) {
        const error = check(content.schema, res.body);
        if (error) failures.push(`${method} ${url}: ${res.status} does not match: ${error}`);
      }
    }
    expect(failures).toEqual([]);
    // Every documented operation was exercised at least once.
    const all = Object.entries(doc.paths).flatMap(([p2, item]) => Object.keys(item).map((m) => `${m} ${p2}`));
    expect(all.filter((o) => !seen.has(o))).toEqual([]);
  }, 120_000);
});
