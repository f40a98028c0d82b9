// When notify-and-wait reminds the person (or the manager) before the deadline: plain arithmetic.

const DAY_MS = 86_400_000;

/** The default reminders: halfway to the deadline, and one day before it. */
export const DEFAULT_REMINDERS = 'halfway and one day before the deadline';

/**
 * The instants reminders go out between `from` (when the person was asked) and `deadline`, oldest first:
 * `daysBefore` days before the deadline each, or by default halfway and one day before. A reminder that would
 * fall at or before `from` (the default one day before a shorter window, say), or within a second of another, is
 * left out.
 */
export function reminderTimes(from: Date, deadline: Date, daysBefore: readonly number[] | null): Date[] {
  const span = deadline.getTime() - from.getTime();
  const offsets = daysBefore ? daysBefore.map((d) => d * DAY_MS) : [span / 2, DAY_MS];
  const times = offsets
    .map((before) => deadline.getTime() - before)
    .filter((t) => t > from.getTime() && t < deadline.getTime())
    .sort((a, b) => a - b);
  return times.filter((t, i) => i === 0 || t - times[i - 1]! >= 1_000).map((t) => new Date(t));
}
