import { FIRST_NAMES, LAST_NAMES } from './names';
import { GidAllocator, Organization, type ActivityWindow } from './organization';
import { mixSeed, mulberry32, Prng } from './prng';
import { DAY_MS, HOUR_MS } from './time';
import type { ScenarioInput } from './types';

/** People younger than this were "recently created"; the service must not reclaim them. */
const RECENT_WINDOW_MS = 20 * DAY_MS;
const HISTORY_SPAN_MS = 730 * DAY_MS;
/** Inactive people with old activity stop at least this long before the scenario's load time. */
const INACTIVE_AFTER_DAYS = 60;

interface PersonSpec {
  writesStories: boolean;
  auditActivity: 'all' | 'logins' | 'none';
  isAdmin: boolean;
  isGuest: boolean;
  isViewOnly: boolean;
  isActive: boolean;
  createdAt: number;
  inactive: boolean;
  firstAdmin: boolean;
}

export interface SeededOrganization {
  org: Organization;
  firstAdminGid: string;
  /** Load time: seeded history ends here and relative times are measured from it. */
  t0: number;
}

/**
 * Builds the organization of a scenario. Every random draw comes from the seed and is made in a
 * fixed order, so the same input gives the same people and gids; only absolute times move with `t0`.
 * Audit events are not built here: they are regenerated on demand from each person's activity window.
 */
export function seedOrganization(input: ScenarioInput, t0: number): SeededOrganization {
  const prng = new Prng(input.seed);
  const specs = buildSpecs(input, prng, t0);
  // Asana gids grow over time, so people are numbered in creation order.
  specs.sort((a, b) => a.createdAt - b.createdAt);

  const gids = new GidAllocator(input.seed, () => prng.int(50));
  const workspace = {
    gid: gids.next(),
    name: input.workspaceName,
    isOrganization: input.isOrganization,
    emailDomains: input.isOrganization ? [input.emailDomain] : [],
  };
  const org = new Organization(workspace, gids);
  const historyStart = t0 - input.days * DAY_MS;
  const projects = projectCount(input);
  let firstAdminGid = '';

  specs.forEach((spec, i) => {
    const first = prng.pick(FIRST_NAMES);
    const last = prng.pick(LAST_NAMES);
    const activity = input.eventsPerUserPerDay > 0 ? activityWindow(spec, input, prng, historyStart) : null;
    const member = org.add({
      gid: gids.next(),
      membershipGid: gids.next(),
      name: `${first} ${last}`,
      email: `${first}.${last}.${i + 1}@${input.emailDomain}`.toLowerCase(),
      isAdmin: spec.isAdmin,
      isGuest: spec.isGuest,
      isViewOnly: spec.isViewOnly,
      isActive: spec.isActive,
      createdAt: spec.createdAt,
      removedAt: null,
      removedVia: null,
      activity,
      lastAppendedEventAt: null,
      lastAppendedMeaningfulAt: null,
      writesStories: spec.writesStories,
      auditActivity: spec.auditActivity,
      projectSlots: projectSlotsOf(input.seed, i, projects),
    });
    if (spec.firstAdmin) firstAdminGid = member.gid;
  });
  return { org, firstAdminGid, t0 };
}

function buildSpecs(input: ScenarioInput, prng: Prng, t0: number): PersonSpec[] {
  const specs: PersonSpec[] = [];
  const person = (over: Partial<PersonSpec>): PersonSpec => ({
    writesStories: true,
    auditActivity: 'all',
    isAdmin: false,
    isGuest: false,
    isViewOnly: false,
    isActive: true,
    createdAt: 0,
    inactive: false,
    firstAdmin: false,
    ...over,
  });
  for (let i = 0; i < input.admins; i++) specs.push(person({ isAdmin: true, firstAdmin: i === 0 }));
  const plainMembers: PersonSpec[] = [];
  for (let i = input.admins; i < input.members; i++) plainMembers.push(person({}));
  specs.push(...plainMembers);
  for (let i = 0; i < input.guests; i++) specs.push(person({ isGuest: true }));
  for (let i = 0; i < input.viewOnly; i++) specs.push(person({ isViewOnly: true }));

  for (const spec of prng.shuffled(plainMembers).slice(0, input.deactivatedMembers)) {
    spec.isActive = false;
    spec.inactive = true;
  }

  const notFirstAdmin = specs.filter((s) => !s.firstAdmin);
  const eligibleInactive = notFirstAdmin.filter((s) => s.isActive);
  const inactiveCount = Math.round(input.inactiveShare * eligibleInactive.length);
  for (const spec of prng.shuffled(eligibleInactive).slice(0, inactiveCount)) spec.inactive = true;

  // Among the active: some only ever write stories (no audit events, as with SSO), some only log in. A draw of
  // its own, so that the people of a seed are the same as before stories existed.
  const active = notFirstAdmin.filter((s) => !s.inactive);
  const mixed = new Prng(mixSeed(input.seed, 0, 0x5707)).shuffled(active);
  const storiesOnly = Math.round(input.storiesOnlyShare * active.length);
  const loginOnly = Math.round(input.loginOnlyShare * active.length);
  for (const spec of mixed.slice(0, storiesOnly)) spec.auditActivity = 'none';
  for (const spec of mixed.slice(storiesOnly, storiesOnly + loginOnly)) {
    spec.writesStories = false;
    spec.auditActivity = 'logins';
  }

  const nonAdmins = specs.filter((s) => !s.isAdmin);
  const recentCount = Math.min(nonAdmins.length, Math.round(input.recentlyCreatedShare * specs.length));
  const recent = new Set(prng.shuffled(nonAdmins).slice(0, recentCount));

  for (const spec of specs) {
    if (spec.firstAdmin) spec.createdAt = t0 - HISTORY_SPAN_MS;
    else if (recent.has(spec)) spec.createdAt = t0 - HOUR_MS - Math.floor(prng.next() * (RECENT_WINDOW_MS - HOUR_MS));
    else spec.createdAt = t0 - RECENT_WINDOW_MS - Math.floor(prng.next() * (HISTORY_SPAN_MS - RECENT_WINDOW_MS));
  }
  return specs;
}

function activityWindow(spec: PersonSpec, input: ScenarioInput, prng: Prng, historyStart: number): ActivityWindow | null {
  const createdDay = spec.createdAt <= historyStart ? 0 : Math.floor((spec.createdAt - historyStart) / DAY_MS);
  if (createdDay > input.days - 1) return null;
  if (!spec.inactive) {
    // Active people were last seen within the final week of history.
    const toDay = Math.max(createdDay, input.days - 1 - prng.int(Math.min(7, input.days)));
    return { fromDay: createdDay, toDay };
  }
  // The last day whose events are all older than 60 days at load time.
  const lastOldDay = input.days - 1 - INACTIVE_AFTER_DAYS;
  const hasOldActivity = prng.next() < 0.6;
  if (!hasOldActivity || lastOldDay < createdDay) return null;
  const toDay = lastOldDay - prng.int(Math.min(30, lastOldDay - createdDay + 1));
  return { fromDay: createdDay, toDay };
}

/** The scenario's projects: as given, else about one per 5 people. */
export function projectCount(input: ScenarioInput): number {
  return input.projects ?? Math.max(1, Math.round((input.members + input.guests + input.viewOnly) / 5));
}

/** The two projects person `i` works in: a draw of its own (see above). */
function projectSlotsOf(seed: number, i: number, projects: number): [number, number] {
  const rand = mulberry32(mixSeed(seed, i, 0x9e0));
  return [Math.floor(rand() * projects), Math.floor(rand() * projects)];
}
