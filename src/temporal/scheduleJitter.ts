// Where in its hour each profile's schedules fire. Profiles whose schedules all fired at 01:00:00 would call
// Asana and load the workers at the same instant; each profile instead gets an offset of its own, derived from
// its ID alone, so it is the same on every restart and every recreation of its schedules, and different profiles
// spread evenly over the hour. Temporal's own `jitter` is drawn anew for every firing, so it cannot give that.

/** The offsets fall within the first SCHEDULE_SPREAD_MINUTES of each schedule's hour. */
export const SCHEDULE_SPREAD_MINUTES = 60;

/** FNV-1a (32 bits): a few lines, no dependencies, and well spread for IDs that differ in a few characters. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** The profile's offset into the hour, to the second: 0 ≤ offset < SCHEDULE_SPREAD_MINUTES × 60. */
export function scheduleOffsetSeconds(profileId: string): number {
  return fnv1a(profileId.toLowerCase()) % (SCHEDULE_SPREAD_MINUTES * 60);
}

/** The offset as the minute and second of a Temporal calendar spec. */
export function scheduleOffset(profileId: string): { minute: number; second: number } {
  const seconds = scheduleOffsetSeconds(profileId);
  return { minute: Math.floor(seconds / 60), second: seconds % 60 };
}
