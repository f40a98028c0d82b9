import { describe, expect, it } from 'vitest';
import { reminderTimes } from '../../src/notify/reminders';

const DAY = 86_400_000;
const from = new Date('2025-03-01T09:00:00Z');
const at = (ms: number) => new Date(from.getTime() + ms).toISOString();

describe('reminder times', () => {
  it('default: halfway and one day before the deadline', () => {
    expect(reminderTimes(from, new Date(from.getTime() + 14 * DAY), null).map((d) => d.toISOString())).toEqual([at(7 * DAY), at(13 * DAY)]);
  });
  it('a window of a day or less gets only the halfway one', () => {
    expect(reminderTimes(from, new Date(from.getTime() + DAY), null).map((d) => d.toISOString())).toEqual([at(DAY / 2)]);
  });
  it('configured days before the deadline, oldest first, leaving out what falls before the email', () => {
    expect(reminderTimes(from, new Date(from.getTime() + 10 * DAY), [1, 3, 20]).map((d) => d.toISOString())).toEqual([at(7 * DAY), at(9 * DAY)]);
    expect(reminderTimes(from, new Date(from.getTime() + 10 * DAY), [])).toEqual([]);
  });
});
