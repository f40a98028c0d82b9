/**
 * The organization's people and workspace, with the look-ups the API needs (gid, email, "me").
 * Members are kept in creation order, which is also membership-gid order: pagination relies on it.
 */

export interface Workspace {
  gid: string;
  name: string;
  isOrganization: boolean;
  emailDomains: string[];
}

/** Seeded audit history of one person: events on each day from `fromDay` to `toDay` (inclusive). */
export interface ActivityWindow {
  fromDay: number;
  toDay: number;
}

export interface Member {
  /** Position in `Organization.members`; compact audit events refer to people by it. */
  index: number;
  gid: string;
  membershipGid: string;
  name: string;
  email: string;
  isAdmin: boolean;
  isGuest: boolean;
  isViewOnly: boolean;
  isActive: boolean;
  createdAt: number;
  removedAt: number | null;
  removedVia: 'removeUser' | 'left' | null;
  activity: ActivityWindow | null;
  /** Newest appended (not seeded) event of this person. */
  lastAppendedEventAt: number | null;
  /** Newest appended meaningful event (anything but a failed login) this person acted in. */
  lastAppendedMeaningfulAt: number | null;
  /** Creates stories in their active window (false: logs in only). */
  writesStories: boolean;
  /** Seeded audit events in their window: every kind, logins only, or none (stories only, as with SSO). */
  auditActivity: 'all' | 'logins' | 'none';
  /** The two projects the person works in (indexes), for their stories. */
  projectSlots: [number, number];
}

/**
 * Hands out Asana-looking 16-digit gids that only grow, so that sorting by gid is sorting by
 * creation, as in Asana. Values stay far below 2^53, so plain numbers compare exactly.
 */
export class GidAllocator {
  private last: number;

  constructor(
    seed: number,
    private readonly step: () => number,
  ) {
    this.last = 1_200_000_000_000_000 + (seed % 100_000) * 1_000_000_000;
  }

  next(): string {
    this.last += 1 + this.step();
    return String(this.last);
  }
}

export class Organization {
  readonly members: Member[] = [];
  private readonly byGid = new Map<string, Member>();
  private readonly byEmail = new Map<string, Member>();

  constructor(
    readonly workspace: Workspace,
    readonly gids: GidAllocator,
  ) {}

  add(member: Omit<Member, 'index'>): Member {
    if (this.byEmail.has(member.email.toLowerCase())) {
      throw new Error(`email already in use: ${member.email}`);
    }
    const full: Member = { ...member, index: this.members.length };
    this.members.push(full);
    this.byGid.set(full.gid, full);
    this.byEmail.set(full.email.toLowerCase(), full);
    return full;
  }

  byIndex(index: number): Member | undefined {
    return this.members[index];
  }

  findByGid(gid: string): Member | undefined {
    return this.byGid.get(gid);
  }

  findByEmail(email: string): Member | undefined {
    return this.byEmail.get(email.toLowerCase());
  }

  hasEmail(email: string): boolean {
    return this.byEmail.has(email.toLowerCase());
  }

  /** Asana's user reference: "me", an email, or a gid. Undefined when nobody matches. */
  resolveUserRef(ref: string, me: Member | null): Member | undefined {
    if (ref === 'me') return me ?? undefined;
    if (ref.includes('@')) return this.findByEmail(ref);
    return this.findByGid(ref);
  }

  /** First member whose membership gid is greater than `afterMembershipGid`, in order. */
  firstIndexAfter(afterMembershipGid: string | null): number {
    if (afterMembershipGid === null) return 0;
    const key = Number(afterMembershipGid);
    let lo = 0;
    let hi = this.members.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (Number((this.members[mid] as Member).membershipGid) <= key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

export function isValidUserRef(ref: string): boolean {
  return ref === 'me' || /^\d+$/.test(ref) || /^[^@\s]+@[^@\s]+$/.test(ref);
}
