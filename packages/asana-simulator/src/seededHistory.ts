import type { EventKindRegistry } from './eventKinds';
import type { Member } from './organization';
import { mixSeed, mulberry32 } from './prng';
import { DAY_MS } from './time';

/** One day of seeded events, sorted by (time, gid); gid = base + day * DAY_GID_SPAN + position. */
export interface DayChunk {
  day: number;
  times: Float64Array;
  members: Int32Array;
  kinds: Uint8Array;
  gidBase: number;
}

const GENERATED_GID_BASE = 1_500_000_000_000_000;
const DAY_GID_SPAN = 10_000_000;
const CACHE_DAYS = 16;

/**
 * The seeded audit history, never stored whole: the events of (person, day) are a pure function of
 * the seed, so a day is rebuilt when a reader reaches it and a few recent days are cached. Seeding
 * therefore costs nothing however large the organization or long the history.
 */
export class SeededHistory {
  readonly start: number;
  private readonly cache = new Map<number, DayChunk>();

  constructor(
    private readonly seed: number,
    readonly end: number,
    readonly days: number,
    private readonly eventsPerUserPerDay: number,
    private readonly members: readonly Member[],
    private readonly kinds: EventKindRegistry,
  ) {
    this.start = end - days * DAY_MS;
  }

  dayOf(time: number): number {
    return Math.floor((time - this.start) / DAY_MS);
  }

  /** Times (ascending) and kinds of one person's seeded events on one day. */
  eventsOf(member: Member, day: number): { times: number[]; kinds: number[] } {
    const times: number[] = [];
    const kinds: number[] = [];
    const window = member.activity;
    if (!window || day < window.fromDay || day > window.toDay || member.auditActivity === 'none') return { times, kinds };
    const rand = mulberry32(mixSeed(this.seed, member.index, day));
    const loginsOnly = member.auditActivity === 'logins';
    let n = Math.floor(rand() * (2 * this.eventsPerUserPerDay + 1));
    // The last active day always has an event, so that a person's last activity is the window's end.
    if (day === window.toDay && n === 0) n = 1;
    const lo = Math.max(this.start + day * DAY_MS, member.createdAt);
    const hi = Math.min(this.start + (day + 1) * DAY_MS, this.end);
    if (hi <= lo) return { times, kinds };
    const pairs: [number, number][] = [];
    for (let i = 0; i < n; i++) {
      const at = lo + Math.floor(rand() * (hi - lo));
      const kind = this.kinds.seededKind(rand());
      pairs.push([at, loginsOnly ? this.kinds.idOf('user_login_succeeded') : kind]);
    }
    pairs.sort((a, b) => a[0] - b[0]);
    for (const [t, k] of pairs) {
      times.push(t);
      kinds.push(k);
    }
    return { times, kinds };
  }

  lastEventAt(member: Member): number | null {
    const window = member.activity;
    if (!window) return null;
    const { times } = this.eventsOf(member, window.toDay);
    return times.length > 0 ? (times[times.length - 1] as number) : null;
  }

  chunk(day: number): DayChunk {
    const cached = this.cache.get(day);
    if (cached) {
      this.cache.delete(day);
      this.cache.set(day, cached);
      return cached;
    }
    const built = this.build(day);
    this.cache.set(day, built);
    if (this.cache.size > CACHE_DAYS) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    return built;
  }

  private build(day: number): DayChunk {
    const rows: { t: number; m: number; k: number }[] = [];
    for (const member of this.members) {
      const window = member.activity;
      if (!window || day < window.fromDay || day > window.toDay) continue;
      const { times, kinds } = this.eventsOf(member, day);
      for (let i = 0; i < times.length; i++) rows.push({ t: times[i] as number, m: member.index, k: kinds[i] as number });
    }
    rows.sort((a, b) => a.t - b.t || a.m - b.m);
    if (rows.length >= DAY_GID_SPAN) throw new Error('too many seeded events in one day');
    const chunk: DayChunk = {
      day,
      times: new Float64Array(rows.length),
      members: new Int32Array(rows.length),
      kinds: new Uint8Array(rows.length),
      gidBase: GENERATED_GID_BASE + day * DAY_GID_SPAN,
    };
    rows.forEach((r, i) => {
      chunk.times[i] = r.t;
      chunk.members[i] = r.m;
      chunk.kinds[i] = r.k;
    });
    return chunk;
  }
}
