import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';
import { readyProfile } from '../support/runs';
import { scheduleId, type ScheduleKind } from '../../src/profiles/types';
import { scheduleOffset } from '../../src/temporal/scheduleJitter';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ scenario: { members: 10, guests: 0, viewOnly: 0, admins: 1 } });
});
afterAll(async () => h?.close());

const KINDS: ScheduleKind[] = ['download', 'activity', 'reconcile'];

/** The calendar of each of the profile's schedules, as Temporal holds it. */
async function calendars(profileId: string) {
  const out: Record<string, unknown> = {};
  for (const kind of KINDS) out[kind] = (await h.temporal.schedule.getHandle(scheduleId(profileId, kind)).describe()).spec.calendars;
  return out;
}

const single = (v: number) => [{ start: v, end: v, step: 1 }];

describe("a profile's schedules fire at its own offset in the hour", () => {
  it("puts two profiles' schedules at their own minute and second, and recreates one's at the same instant", async () => {
    const [one, two] = [await readyProfile(h, { reclaimSubscriptions: false }), await readyProfile(h, { reclaimSubscriptions: false })];
    for (const id of [one, two]) expect((await h.api('POST', `/api/profiles/${id}/publish`)).body.status).toBe('published');
    const first = await calendars(one);
    const second = await calendars(two);
    for (const [id, cal] of [[one, first], [two, second]] as const) {
      const { minute, second: sec } = scheduleOffset(id);
      for (const kind of KINDS) {
        expect((cal[kind] as Array<Record<string, unknown>>)[0]).toMatchObject({ minute: single(minute), second: single(sec) });
      }
      expect((cal.download as Array<Record<string, unknown>>)[0]).toMatchObject({ hour: single(1) });
      expect((cal.activity as Array<Record<string, unknown>>)[0]).toMatchObject({ hour: single(3) });
    }
    expect(scheduleOffset(one)).not.toEqual(scheduleOffset(two));
    expect(first).not.toEqual(second);

    // Unpublished, its schedules are gone; published again, they come back at the same instant.
    expect((await h.api('POST', `/api/profiles/${one}/unpublish`)).body.status).toBe('draft');
    await expect(h.temporal.schedule.getHandle(scheduleId(one, 'download')).describe()).rejects.toThrow();
    expect((await h.api('POST', `/api/profiles/${one}/publish`)).body.status).toBe('published');
    expect(await calendars(one)).toEqual(first);
  });
});
