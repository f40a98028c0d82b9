import { describe, expect, it } from 'vitest';
import { applyOptionChange, publishBlocker, schedulesFor } from '../../src/workflows/profile/transitions';
import type { ProfileState } from '../../src/profiles/types';

const base: ProfileState = {
  profileId: 'p1',
  status: 'published',
  options: { downloadSubscriptions: true, downloadActivity: true, analyzeActivityFrom: '2026-10-01T00:00:00.000Z', reclaimSubscriptions: true, reclaimCapPercent: 10, reclaimDryRun: false, activitySources: 'auto', meaningfulActivity: { logins: true, stories: true, auditEvents: true } },
  connectionVersion: 2,
  authorized: true,
  validation: { passed: true, checkedAt: '2026-11-01T00:00:00.000Z', checks: [], basis: { connectionVersion: 2, downloadActivity: true } },
  validationStaleReason: null,
  schedules: ['download', 'activity', 'reconcile'],
};

describe('profile transitions', () => {
  it('allows publishing only after a passing, current validation', () => {
    expect(publishBlocker(base)).toBeNull();
    expect(publishBlocker({ ...base, authorized: false })).toMatch(/not authorized/);
    expect(publishBlocker({ ...base, validation: null })).toMatch(/not been validated/);
    expect(publishBlocker({ ...base, validationStaleReason: 'the connection changed' })).toMatch(/no longer applies \(the connection changed\)/);
    expect(
      publishBlocker({ ...base, validation: { ...base.validation!, passed: false, checks: [{ name: 'admin', api: 'Download Subscriptions', passed: false, message: 'x' }] } }),
    ).toMatch(/failed \(admin\)/);
  });

  it('clearing downloadActivity on a published profile returns it to draft and drops the activity schedule', () => {
    const outcome = applyOptionChange(base, { downloadActivity: false });
    expect(outcome.backToDraftReason).toMatch(/cleared/);
    expect(outcome.schedulesToDelete).toEqual(['activity']);
    expect(outcome.staleReason).toBeTruthy();
  });

  it('other option changes keep the status', () => {
    const outcome = applyOptionChange(base, { reclaimSubscriptions: false, analyzeActivityFrom: '2026-10-15T00:00:00.000Z' });
    expect(outcome).toMatchObject({ backToDraftReason: null, staleReason: null, schedulesToDelete: [] });
    expect(outcome.options.reclaimSubscriptions).toBe(false);
  });

  it('never lets downloadSubscriptions go off', () => {
    const outcome = applyOptionChange(base, { downloadSubscriptions: false } as never);
    expect(outcome.options.downloadSubscriptions).toBe(true);
  });

  it('turning downloadActivity back on needs a new validation', () => {
    const draft: ProfileState = { ...base, status: 'draft', options: { ...base.options, downloadActivity: false }, schedules: [] };
    expect(applyOptionChange(draft, { downloadActivity: true })).toMatchObject({ backToDraftReason: null, staleReason: expect.stringMatching(/turned on/) });
  });

  it('schedules follow the options', () => {
    expect(schedulesFor(base.options)).toEqual(['download', 'activity', 'reconcile']);
    expect(schedulesFor({ ...base.options, downloadActivity: false })).toEqual(['download', 'reconcile']);
  });

  it('a change of activity sources makes the last validation stale; meaningfulActivity is merged field by field', () => {
    const changed = applyOptionChange(base, { activitySources: ['stories', 'auditLog'] });
    expect(changed.staleReason).toMatch(/activitySources/);
    expect(changed.backToDraftReason).toBeNull();
    expect(applyOptionChange(base, { activitySources: 'auto' }).staleReason).toBeNull();
    const narrowed = applyOptionChange(base, { meaningfulActivity: { logins: false } as never });
    expect(narrowed.options.meaningfulActivity).toEqual({ logins: false, stories: true, auditEvents: true });
    expect(narrowed.staleReason).toBeNull();
  });
});
