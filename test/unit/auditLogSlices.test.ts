// How the audit log's first read is split into time slices (pure logic).
import { describe, expect, it } from 'vitest';
import { planSlices } from '../../src/activities/auditLogSlices';

const HOUR = 3_600_000;
const from = new Date('2026-10-01T00:00:00.000Z');
const after = (ms: number) => new Date(from.getTime() + ms);

describe('planSlices', () => {
  it('splits the window into adjacent slices, four per read in flight, the newest open-ended', () => {
    const slices = planSlices(from, after(60 * 24 * HOUR + 7), 8);
    expect(slices).toHaveLength(32);
    expect(slices.map((s) => s.index)).toEqual([...Array(32).keys()]);
    expect(slices[0]!.startAt).toEqual(from);
    for (let i = 1; i < slices.length; i++) expect(slices[i]!.startAt).toEqual(slices[i - 1]!.endAt);
    expect(slices.at(-1)!.endAt).toBeNull();
    expect(slices.at(-1)!.startAt.getTime()).toBeLessThan(after(60 * 24 * HOUR).getTime());
    const lengths = slices.slice(0, -1).map((s) => s.endAt!.getTime() - s.startAt.getTime());
    expect(Math.max(...lengths) - Math.min(...lengths)).toBeLessThanOrEqual(1);
  });

  it('makes no slice shorter than an hour, and one open-ended slice of a window shorter than two', () => {
    expect(planSlices(from, after(5 * HOUR + 1), 8)).toHaveLength(5);
    expect(planSlices(from, after(90 * 60_000), 8)).toEqual([{ index: 0, startAt: from, endAt: null }]);
    expect(planSlices(from, from, 8)).toEqual([{ index: 0, startAt: from, endAt: null }]);
  });

  it('takes a concurrency below one as one', () => {
    expect(planSlices(from, after(100 * HOUR), 0)).toHaveLength(4);
  });
});
