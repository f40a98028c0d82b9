// The console's own logic, without a browser: how it writes numbers, money and times, what its charts draw,
// how it sorts, routes, decides which controls the token may see, links runs to the Temporal Web UI and says what to do about a failed run.
import { describe, expect, it } from 'vitest';
import { countLabel, formatCount, plural, formatDate, formatDuration, formatMoney, formatRelative, humanize, usedShare } from '../../console/src/lib/format';
import { historyChart, spreadChart, spreadTotal } from '../../console/src/lib/chartData';
import { directionOf, nextDirection, sortParam } from '../../console/src/lib/sortByActivity';
import { parseRoute, profilePath } from '../../console/src/lib/routes';
import { remedyFor, sourceNotes, temporalRunUrl } from '../../console/src/lib/runs';
import { allows } from '../../console/src/lib/access';
import type { HistoryEntry, ModelPosition } from '../../console/src/api/types';

const ID = '0b5f1c9e-6f5e-4c1a-9d6e-0123456789ab';

describe('formatting', () => {
  it('writes money with its currency, and plain two decimals without one', () => {
    expect(formatMoney('1234.5', 'EUR', 'en-US')).toBe('€1,234.50');
    expect(formatMoney('12.50', 'USD', 'en-US')).toBe('$12.50');
    expect(formatMoney('1234.50', 'EUR', 'de-DE')).toBe('1.234,50\u00a0€');
    expect(formatMoney('0.00', null, 'en-US')).toBe('0.00');
    expect(formatMoney(null, 'EUR', 'en-US')).toBe('—');
    expect(formatMoney('not a number', 'EUR', 'en-US')).toBe('not a number');
  });

  it('groups counts, and says how full the owned seats are', () => {
    expect(formatCount(1234567, 'en-US')).toBe('1,234,567');
    expect(plural(1, 'open candidate', undefined, 'en-US')).toBe('1 open candidate');
    expect(plural(1200, 'open candidate', undefined, 'en-US')).toBe('1,200 open candidates');
    expect(usedShare(39, 500)).toBe(8);
    expect(usedShare(120, 100)).toBe(120);
    expect(usedShare(4, 0)).toBeNull();
  });

  it('writes times relative to now, dates of the calendar as they are, and durations', () => {
    const now = new Date('2026-01-10T12:00:00Z');
    expect(formatRelative('2026-01-07T12:00:00Z', now, 'en-US')).toBe('3 days ago');
    expect(formatRelative('2026-01-10T17:00:00Z', now, 'en-US')).toBe('in 5 hours');
    expect(formatRelative(null, now, 'en-US')).toBe('never');
    // A calendar date is the same day wherever the browser is.
    expect(formatDate('2026-01-01', 'en-US')).toBe('Jan 1, 2026');
    expect(formatDuration('2026-01-01T00:00:00Z', '2026-01-01T00:00:00.850Z')).toBe('850 ms');
    expect(formatDuration('2026-01-01T00:00:00Z', '2026-01-01T00:03:05Z')).toBe('3 min 5 s');
    expect(formatDuration('2026-01-01T00:00:00Z', null)).toBe('running');
  });

  it('writes the API\'s codes as words', () => {
    expect(humanize('under_licensed')).toBe('under-licensed');
    expect(humanize('on_demand')).toBe('on demand');
    expect(countLabel('storyProjects')).toBe('story projects');
  });
});

const model = (edition: string, spread: Partial<ModelPosition['activitySpread']>): ModelPosition =>
  ({ edition, activitySpread: { '0-30': 0, '30-60': 0, '60-90': 0, '90+': 0, never: 0, ...spread } }) as ModelPosition;

describe('chart data', () => {
  it('spreads last activity by bucket, one series per model that has anyone', () => {
    const chart = spreadChart([model('Member', { '0-30': 20, never: 3 }), model('Guest', { '60-90': 1 }), model('Empty', {})]);
    expect(chart.labels).toEqual(['0–30 days', '30–60 days', '60–90 days', '90+ days', 'never']);
    expect(chart.series).toEqual([
      { label: 'Member', values: [20, 0, 0, 0, 3] },
      { label: 'Guest', values: [0, 0, 1, 0, 0] },
    ]);
    expect(spreadTotal([model('Member', { '0-30': 20, never: 3 }), model('Guest', { '60-90': 1 })])).toBe(24);
  });

  const entry = (computedAt: string, totals: HistoryEntry['totals'], counts = { underLicensed: 1, overLicensed: 0, compliant: 2 }): HistoryEntry => ({ computedAt, jobId: null, models: 3, ...counts, totals });
  const t = (used: number, rightsOwned: number) => ({ models: 1, rightsOwned, used, available: 0, shortfall: 0, trueUpCost: '0.00', overLicensedAmount: '0.00', potentialSavings: '0.00', actualSavings: '0.00' });

  it('draws the history oldest first: seats used and owned per currency', () => {
    const chart = historyChart([entry('2026-01-02T00:00:00Z', { EUR: t(40, 500) }), entry('2026-01-01T00:00:00Z', {})], (iso) => iso.slice(0, 10));
    expect(chart.labels).toEqual(['2026-01-01', '2026-01-02']);
    expect(chart.series).toEqual([
      { label: 'seats used', values: [0, 40] },
      { label: 'seats owned', values: [0, 500] },
    ]);
    const two = historyChart([entry('2026-01-01T00:00:00Z', { EUR: t(1, 2), USD: t(3, 4) })], (iso) => iso);
    expect(two.series.map((s) => s.label)).toEqual(['seats used (EUR)', 'seats owned (EUR)', 'seats used (USD)', 'seats owned (USD)']);
  });

  it('counts models by position when nothing is costed yet', () => {
    const chart = historyChart([entry('2026-01-01T00:00:00Z', {})], (iso) => iso);
    expect(chart.series).toEqual([
      { label: 'models under-licensed', values: [1] },
      { label: 'models over-licensed', values: [0] },
      { label: 'models compliant', values: [2] },
    ]);
  });
});

describe('sorting by last activity', () => {
  it("asks the API for the least active first when ascending, the most recent first when descending, and cycles", () => {
    expect([sortParam('ascending'), sortParam('descending'), sortParam('none')]).toEqual(['lastActivityAt', '-lastActivityAt', '']);
    for (const d of ['ascending', 'descending', 'none'] as const) expect(directionOf(sortParam(d))).toBe(d);
    expect([nextDirection('none'), nextDirection('ascending'), nextDirection('descending')]).toEqual(['ascending', 'descending', 'none']);
  });
});

describe('routes', () => {
  it('reads the address bar, and writes a profile\'s pages', () => {
    expect(parseRoute('/')).toEqual({ page: 'profiles' });
    expect(parseRoute('/profiles/new')).toEqual({ page: 'new-profile' });
    expect(parseRoute(`/profiles/${ID.toUpperCase()}/licence/`)).toEqual({ page: 'profile', id: ID, tab: 'licence' });
    expect(parseRoute(`/profiles/${ID}`)).toEqual({ page: 'profile', id: ID, tab: 'overview' });
    expect(parseRoute(`/profiles/${ID}/nope`)).toEqual({ page: 'not-found', path: `/profiles/${ID}/nope` });
    expect(profilePath(ID)).toBe(`/profiles/${ID}`);
    expect(profilePath(ID, 'runs')).toBe(`/profiles/${ID}/runs`);
  });
});

describe('runs', () => {
  it('link each run to its history in the Temporal Web UI', () => {
    expect(temporalRunUrl({ url: 'http://localhost:8233/', namespace: 'default' }, { workflowId: `profile/${ID}/download/x`, runId: 'r-1' })).toBe(
      `http://localhost:8233/namespaces/default/workflows/profile%2F${ID}%2Fdownload%2Fx/r-1/history`,
    );
  });

  it('say what to do about a failed or skipped run', () => {
    expect(remedyFor({ status: 'failed', error: 'Asana refused the grant: re-authorize the profile', details: {} })).toMatch(/Authorize the profile again/);
    expect(remedyFor({ status: 'skipped', error: null, details: {} })).toMatch(/in progress/);
    expect(remedyFor({ status: 'succeeded', error: null, details: {} })).toBeNull();
    expect(sourceNotes({ sources: { stories: { read: true }, auditLog: { read: false, reason: 'no Service Account token' } } })).toEqual(['auditLog: no Service Account token']);
    expect(sourceNotes({})).toEqual([]);
  });
});

describe('what the token may call', () => {
  const operations = ['GET /api/profiles', 'GET /api/profiles/{id}', 'POST /api/profiles/{id}/runs', 'PATCH /api/profiles/{id}/entitlements/{entitlementId}', 'POST /api/profiles/{id}/unrecognized-identifiers/{identifier}/mapping'];

  it('matches a concrete path, or the template itself, by method and path', () => {
    expect(allows(operations, 'POST', `/api/profiles/${ID}/runs`)).toBe(true);
    expect(allows(operations, 'POST', '/api/profiles/{id}/runs')).toBe(true);
    expect(allows(operations, 'post', `/api/profiles/${ID}/runs`)).toBe(true);
    expect(allows(operations, 'PATCH', `/api/profiles/${ID}/entitlements/${ID}`)).toBe(true);
    expect(allows(operations, 'POST', `/api/profiles/${ID}/unrecognized-identifiers/${encodeURIComponent('a/b c')}/mapping`)).toBe(true);
    // The query is not part of the operation.
    expect(allows(operations, 'GET', '/api/profiles?limit=25')).toBe(true);
  });

  it('refuses another method, a longer or shorter path, and a segment that is not a parameter', () => {
    expect(allows(operations, 'DELETE', `/api/profiles/${ID}/entitlements/${ID}`)).toBe(false);
    expect(allows(operations, 'POST', '/api/profiles')).toBe(false);
    expect(allows(operations, 'POST', `/api/profiles/${ID}/runs/extra`)).toBe(false);
    expect(allows(operations, 'GET', `/api/profiles/${ID}/x/y`)).toBe(false);
    expect(allows(operations, 'PATCH', `/api/profiles/${ID}/entitlements`)).toBe(false);
    expect(allows([], 'GET', '/api/profiles')).toBe(false);
    // A template's literal dots are dots (no wildcard).
    expect(allows(['GET /api/profiles/{id}/subscriptions.csv'], 'GET', `/api/profiles/${ID}/subscriptionsXcsv`)).toBe(false);
    expect(allows(['GET /api/profiles/{id}/subscriptions.csv'], 'GET', `/api/profiles/${ID}/subscriptions.csv?state=active`)).toBe(true);
  });
});
