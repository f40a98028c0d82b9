import type { EventKindRegistry } from './eventKinds';
import type { Member, Organization } from './organization';
import type { SeededHistory } from './seededHistory';
import { DAY_MS, iso } from './time';

/** Position in the stream: events are ordered by (created time, gid). */
export interface StreamKey {
  t: number;
  g: number;
}

export interface CompactEvent extends StreamKey {
  /** Actor, by member index. */
  m: number;
  kind: number;
  /** Person the event acts on, for user_* events about someone else. */
  target?: number;
  /** Set on events caused by API calls (e.g. removeUser). */
  api?: { appName: string | null; ip: string | null };
}

export interface AuditFilters {
  startAt?: number;
  endAt?: number;
  eventType?: string;
  actorType?: string;
  actorGid?: string;
  resourceGid?: string;
}

export interface AuditPage {
  events: CompactEvent[];
  last: StreamKey | null;
}

const APPENDED_GID_BASE = 1_600_000_000_000_000;
const TASK_GID_BASE = 1_700_000_000_000_000;
const USER_AGENT = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36';

function after(a: StreamKey, b: StreamKey): boolean {
  return a.t > b.t || (a.t === b.t && a.g > b.g);
}

/**
 * The organization's audit log: the seeded history merged with events appended since (by the control
 * API or by API calls such as removeUser), read as one stream ordered by (created_at, gid).
 * A cursor is the key of the last event returned, so polling again later yields exactly what was
 * appended after it. An event appended with a back-dated time lands at its time, behind cursors that
 * already passed it, as a late event would in a time-ordered log.
 */
export class AuditLog {
  private readonly appended: CompactEvent[] = [];
  private nextAppendedGid = APPENDED_GID_BASE;

  constructor(
    private readonly org: Organization,
    private readonly history: SeededHistory,
    private readonly kinds: EventKindRegistry,
    private readonly retentionDays: number,
  ) {}

  append(input: { actor: Member; eventType: string; createdAt: number; target?: Member; api?: CompactEvent['api'] }): CompactEvent {
    const event: CompactEvent = {
      t: input.createdAt,
      g: ++this.nextAppendedGid,
      m: input.actor.index,
      kind: this.kinds.idOf(input.eventType),
      ...(input.target ? { target: input.target.index } : {}),
      ...(input.api ? { api: input.api } : {}),
    };
    // Keep the array sorted; appends are nearly always at the end, so search from the back.
    let i = this.appended.length;
    while (i > 0 && after(this.appended[i - 1] as CompactEvent, event)) i--;
    this.appended.splice(i, 0, event);
    if (input.actor.lastAppendedEventAt === null || input.createdAt > input.actor.lastAppendedEventAt) {
      input.actor.lastAppendedEventAt = input.createdAt;
    }
    // A failed login proves nobody used the seat; anything else the person did is activity.
    if (input.eventType !== 'user_login_failed' && (input.actor.lastAppendedMeaningfulAt === null || input.createdAt > input.actor.lastAppendedMeaningfulAt)) {
      input.actor.lastAppendedMeaningfulAt = input.createdAt;
    }
    return event;
  }

  /** The newest event the person acted in that counts as activity (seeded ones all do; never a failed login). */
  lastMeaningfulEventAt(member: Member): number | null {
    const seeded = this.history.lastEventAt(member);
    const appended = member.lastAppendedMeaningfulAt;
    if (seeded === null) return appended;
    return appended === null ? seeded : Math.max(seeded, appended);
  }

  lastEventAt(member: Member): number | null {
    const seeded = this.history.lastEventAt(member);
    const appended = member.lastAppendedEventAt;
    if (seeded === null) return appended;
    if (appended === null) return seeded;
    return Math.max(seeded, appended);
  }

  /** Up to `limit` events after `cursor` that match, oldest first, within the retention period. */
  read(cursor: StreamKey | null, filters: AuditFilters, limit: number, now: number): AuditPage {
    const matches = this.matcher(filters);
    const from = Math.max(filters.startAt ?? -Infinity, now - this.retentionDays * DAY_MS);
    const events: CompactEvent[] = [];
    if (matches) {
      for (const event of this.iterate(cursor, from)) {
        if (filters.endAt !== undefined && event.t >= filters.endAt) break;
        if (!matches(event)) continue;
        events.push(event);
        if (events.length >= limit) break;
      }
    }
    const lastEvent = events[events.length - 1];
    return { events, last: lastEvent ? { t: lastEvent.t, g: lastEvent.g } : null };
  }

  render(event: CompactEvent): Record<string, unknown> {
    const kind = this.kinds.get(event.kind);
    const actor = this.member(event.m);
    return {
      gid: String(event.g),
      created_at: iso(event.t),
      event_type: kind.type,
      event_category: kind.category,
      actor: { actor_type: 'user', gid: actor.gid, name: actor.name, email: actor.email },
      resource: this.resourceOf(event),
      context: event.api
        ? {
            context_type: 'api',
            api_authentication_method: 'oauth',
            ...(event.api.appName ? { oauth_app_name: event.api.appName } : {}),
            ...(event.api.ip ? { client_ip_address: event.api.ip } : {}),
          }
        : { context_type: 'web', client_ip_address: ipOf(event.m), user_agent: USER_AGENT },
      details: {},
    };
  }

  private resourceOf(event: CompactEvent): Record<string, unknown> {
    const kind = this.kinds.get(event.kind);
    if (kind.resource === 'task') {
      const gid = TASK_GID_BASE + (event.g % 1_000_000_000);
      return { resource_type: 'task', gid: String(gid), name: `Task ${gid % 100_000}` };
    }
    const who = this.member(kind.resource === 'target' && event.target !== undefined ? event.target : event.m);
    return { resource_type: 'user', gid: who.gid, name: who.name, email: who.email };
  }

  private resourceGidOf(event: CompactEvent): string {
    return String(this.resourceOf(event).gid);
  }

  private member(index: number): Member {
    const member = this.org.byIndex(index);
    if (!member) throw new Error(`audit event refers to unknown member ${index}`);
    return member;
  }

  /** A predicate for the filters, or null when nothing can match (so the scan is skipped). */
  private matcher(filters: AuditFilters): ((e: CompactEvent) => boolean) | null {
    if (filters.actorType !== undefined && filters.actorType !== 'user') return null;
    let actorIndex: number | undefined;
    if (filters.actorGid !== undefined) {
      const actor = this.org.findByGid(filters.actorGid);
      if (!actor) return null;
      actorIndex = actor.index;
    }
    const { eventType, resourceGid } = filters;
    return (e) =>
      (actorIndex === undefined || e.m === actorIndex) &&
      (eventType === undefined || this.kinds.get(e.kind).type === eventType) &&
      (resourceGid === undefined || this.resourceGidOf(e) === resourceGid);
  }

  /** Seeded and appended events after `cursor` and not before `from`, merged in stream order. */
  private *iterate(cursor: StreamKey | null, from: number): Generator<CompactEvent> {
    const seeded = this.seededFrom(cursor, from);
    const appended = this.appendedFrom(cursor, from);
    let a = seeded.next();
    let b = appended.next();
    while (!a.done || !b.done) {
      if (b.done || (!a.done && !after(a.value, b.value))) {
        yield a.value as CompactEvent;
        a = seeded.next();
      } else {
        yield b.value;
        b = appended.next();
      }
    }
  }

  private *seededFrom(cursor: StreamKey | null, from: number): Generator<CompactEvent> {
    const h = this.history;
    const startTime = Math.max(from, cursor?.t ?? -Infinity, h.start);
    for (let day = Math.max(0, h.dayOf(startTime)); day < h.days; day++) {
      const chunk = h.chunk(day);
      for (let i = firstIndex(chunk.times, chunk.gidBase, cursor, from); i < chunk.times.length; i++) {
        yield { t: chunk.times[i] as number, g: chunk.gidBase + i, m: chunk.members[i] as number, kind: chunk.kinds[i] as number };
      }
    }
  }

  private *appendedFrom(cursor: StreamKey | null, from: number): Generator<CompactEvent> {
    let lo = 0;
    let hi = this.appended.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const e = this.appended[mid] as CompactEvent;
      if (e.t < from || (cursor !== null && !after(e, cursor))) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < this.appended.length; i++) yield this.appended[i] as CompactEvent;
  }
}

/** First position in a day chunk that is after the cursor and not before `from`. */
function firstIndex(times: Float64Array, gidBase: number, cursor: StreamKey | null, from: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const t = times[mid] as number;
    const notYet = t < from || (cursor !== null && !after({ t, g: gidBase + mid }, cursor));
    if (notYet) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A stable private address per person, so a person's web events come from one place. */
function ipOf(memberIndex: number): string {
  return `10.${(memberIndex >> 16) & 255}.${(memberIndex >> 8) & 255}.${memberIndex & 255}`;
}
