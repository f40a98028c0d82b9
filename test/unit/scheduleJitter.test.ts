import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SCHEDULE_SPREAD_MINUTES, scheduleOffset, scheduleOffsetSeconds } from '../../src/temporal/scheduleJitter';

describe("a profile's schedule offset", () => {
  it('is a pure function of the profile ID, whatever its case, and stays what it was (schedules created before keep matching)', () => {
    const id = '3f2b9c1e-5d4a-4b7e-9a0c-1d2e3f4a5b6c';
    expect(scheduleOffsetSeconds(id)).toBe(scheduleOffsetSeconds(id.toUpperCase()));
    // Pinned: a change of the function would move every existing profile's runs.
    expect(scheduleOffsetSeconds(id)).toBe(1953);
    expect(scheduleOffset(id)).toEqual({ minute: 32, second: 33 });
  });

  it('falls within the spread window, to the second', () => {
    for (let i = 0; i < 2000; i++) {
      const { minute, second } = scheduleOffset(crypto.randomUUID());
      expect(Number.isInteger(minute) && minute >= 0 && minute < SCHEDULE_SPREAD_MINUTES).toBe(true);
      expect(Number.isInteger(second) && second >= 0 && second < 60).toBe(true);
    }
  });

  it('spreads profiles evenly over the window: no minute holds more than twice its share of 6,000 profiles', () => {
    const perMinute = new Array<number>(SCHEDULE_SPREAD_MINUTES).fill(0);
    for (let i = 0; i < 6000; i++) perMinute[scheduleOffset(crypto.randomUUID()).minute]! += 1;
    const share = 6000 / SCHEDULE_SPREAD_MINUTES;
    expect(Math.max(...perMinute)).toBeLessThanOrEqual(2 * share);
    expect(Math.min(...perMinute)).toBeGreaterThanOrEqual(share / 2);
  });

  it('gives 50 profiles whose IDs differ in one digit at least 45 distinct instants', () => {
    const ids = Array.from({ length: 50 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    expect(new Set(ids.map(scheduleOffsetSeconds)).size).toBeGreaterThanOrEqual(45);
  });
});
