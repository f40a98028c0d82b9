// Fills a profile's lists directly in SQL, the way a download and an activity analysis would leave them.
import crypto from 'node:crypto';
import type { Db } from '../../src/db/pool';
import type { Harness } from '../support/harness';

const DAY = 86_400_000;
export const daysAgo = (n: number) => new Date(Date.now() - n * DAY);

export interface Seeded {
  profileId: string;
  models: { member: string; guest: string; viewOnly: string };
  rules: { member: string; guest: string; viewOnly: string };
  candidates: Record<string, string>;
}

interface Sub {
  gid: string;
  name: string;
  identifier: string;
  status?: 'active' | 'ended';
  admin?: boolean;
  activity?: number;
  firstSeen?: number;
  email?: string;
}

/** 16 subscriptions: members, guests, one view-only, and two identifiers no model maps. */
export const SUBSCRIPTIONS: Sub[] = [
  { gid: '1001', name: 'Ada', identifier: 'member', admin: true, activity: 1 },
  { gid: '1002', name: 'Ben', identifier: 'member', activity: 10, email: 'Ben.Stone@Example.com' },
  { gid: '1003', name: 'Cleo', identifier: 'member', activity: 70 },
  { gid: '1004', name: 'Dan', identifier: 'member', activity: 100 },
  { gid: '1005', name: 'Eve', identifier: 'member' },
  { gid: '1006', name: 'Finn', identifier: 'member', activity: 65 },
  { gid: '1007', name: 'Gus', identifier: 'member', status: 'ended', activity: 120 },
  { gid: '1008', name: 'Hal', identifier: 'member', status: 'ended' },
  { gid: '1009', name: 'Ivy', identifier: 'guest', activity: 40 },
  { gid: '1010', name: 'Jo', identifier: 'guest', activity: 2 },
  { gid: '1011', name: 'Kim', identifier: 'guest', status: 'ended', activity: 200 },
  { gid: '1012', name: 'Lou', identifier: 'view_only' },
  { gid: '1013', name: 'Max', identifier: 'guest_view_only', activity: 3, firstSeen: 20 },
  { gid: '1014', name: 'Nia', identifier: 'guest_view_only', firstSeen: 10 },
  { gid: '1015', name: 'Oz', identifier: 'guest_view_only', status: 'ended', firstSeen: 30 },
  { gid: '1016', name: 'Pia', identifier: 'contractor', firstSeen: 5 },
];

export async function createProfile(h: Harness, displayName: string): Promise<string> {
  const res = await h.api('POST', '/api/profiles', { displayName });
  if (res.status !== 201) throw new Error(`creating a profile answered ${res.status}: ${res.text}`);
  return res.body.id as string;
}

async function insertModel(db: Db, profileId: string, edition: string, identifier: string, rule: { threshold: number; active: boolean }) {
  const model = crypto.randomUUID();
  const ruleId = crypto.randomUUID();
  await db.query('INSERT INTO software_models (id, profile_id, edition) VALUES ($1, $2, $3)', [model, profileId, edition]);
  await db.query('INSERT INTO identifier_mappings (profile_id, identifier, model_id) VALUES ($1, $2, $3)', [profileId, identifier, model]);
  await db.query('INSERT INTO reclamation_rules (id, profile_id, model_id, threshold_days, active) VALUES ($1, $2, $3, $4, $5)', [
    ruleId,
    profileId,
    model,
    rule.threshold,
    rule.active,
  ]);
  return { model, ruleId };
}

export async function seedProfile(h: Harness, displayName = 'Acme'): Promise<Seeded> {
  const { db } = h;
  const profileId = await createProfile(h, displayName);
  const member = await insertModel(db, profileId, 'Member', 'member', { threshold: 60, active: true });
  const guest = await insertModel(db, profileId, 'Guest', 'guest', { threshold: 30, active: true });
  const viewOnly = await insertModel(db, profileId, 'View-only member', 'view_only', { threshold: 90, active: false });
  const modelOf: Record<string, string | null> = { member: member.model, guest: guest.model, view_only: viewOnly.model };

  for (const s of SUBSCRIPTIONS) {
    const ended = s.status === 'ended';
    await db.query(
      `INSERT INTO subscriptions (profile_id, user_gid, membership_gid, name, email, identifier, model_id, is_admin, account_created_at,
                                  status, first_seen_at, last_seen_at, ended_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
      [
        profileId,
        s.gid,
        `9${s.gid}`,
        s.name,
        s.email ?? `${s.name.toLowerCase()}@example.com`,
        s.identifier,
        modelOf[s.identifier] ?? null,
        s.admin ?? false,
        daysAgo(400),
        s.status ?? 'active',
        daysAgo(s.firstSeen ?? 90),
        ended ? daysAgo(6) : daysAgo(0),
        ended ? daysAgo(5) : null,
      ],
    );
    if (s.activity !== undefined) {
      await db.query('INSERT INTO user_activity (profile_id, user_gid, last_activity_at) VALUES ($1, $2, $3)', [profileId, s.gid, daysAgo(s.activity)]);
    }
  }

  const candidates: Record<string, string> = {};
  const candidate = async (key: string, gid: string, state: string, at: number, extra: { model?: string; rule?: string; reason?: string; closed?: number; dryRun?: number; activity?: number } = {}) => {
    const id = crypto.randomUUID();
    candidates[key] = id;
    await db.query(
      `INSERT INTO removal_candidates (id, profile_id, user_gid, rule_id, model_id, state, reason, last_activity_at, created_at, updated_at, closed_at, dry_run_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10, $11)`,
      [
        id,
        profileId,
        gid,
        extra.rule ?? member.ruleId,
        extra.model ?? member.model,
        state,
        extra.reason ?? null,
        extra.activity === undefined ? null : daysAgo(extra.activity),
        daysAgo(at),
        extra.closed === undefined ? null : daysAgo(extra.closed),
        extra.dryRun === undefined ? null : daysAgo(extra.dryRun),
      ],
    );
  };
  await candidate('cleo', '1003', 'ready', 3, { activity: 70 });
  await candidate('dan', '1004', 'attention_required', 2, { reason: 'removeUser answered 500', activity: 100 });
  await candidate('finn', '1006', 'awaiting_approval', 1, { activity: 65 });
  await candidate('gus', '1007', 'closed_complete', 10, { closed: 5, activity: 120 });
  await candidate('ben', '1002', 'closed_canceled', 20, { closed: 10, reason: 'activity resumed' });
  await candidate('kim', '1011', 'closed_skipped', 15, { closed: 14, model: guest.model, rule: guest.ruleId });
  await candidate('ivy', '1009', 'ready', 4, { model: guest.model, rule: guest.ruleId, dryRun: 4, activity: 40 });

  return {
    profileId,
    models: { member: member.model, guest: guest.model, viewOnly: viewOnly.model },
    rules: { member: member.ruleId, guest: guest.ruleId, viewOnly: viewOnly.ruleId },
    candidates,
  };
}

/** A second profile with a little of everything, whose IDs the first profile's routes must not accept. */
export async function seedOtherProfile(h: Harness) {
  const { db } = h;
  const profileId = await createProfile(h, 'Other org');
  const member = await insertModel(db, profileId, 'Member', 'member', { threshold: 45, active: true });
  await db.query(
    `INSERT INTO subscriptions (profile_id, user_gid, name, email, identifier, model_id) VALUES
       ($1, '2001', 'Quinn', 'quinn@example.com', 'member', $2),
       ($1, '2002', 'Rae', 'rae@example.com', 'guest_view_only', NULL)`,
    [profileId, member.model],
  );
  const identifierExclusion = crypto.randomUUID();
  const userExclusion = crypto.randomUUID();
  await db.query("INSERT INTO identifier_exclusions (id, profile_id, identifier) VALUES ($1, $2, 'guest')", [identifierExclusion, profileId]);
  await db.query("INSERT INTO user_exclusions (id, profile_id, user_gid) VALUES ($1, $2, '2001')", [userExclusion, profileId]);
  return { profileId, model: member.model, rule: member.ruleId, identifierExclusion, userExclusion };
}

const TABLES: Record<string, string> = {
  software_models: 'profile_id, id',
  identifier_mappings: 'profile_id, identifier',
  reclamation_rules: 'profile_id, id',
  identifier_exclusions: 'profile_id, id',
  user_exclusions: 'profile_id, id',
  subscriptions: 'profile_id, user_gid',
  user_activity: 'profile_id, user_gid',
  removal_candidates: 'profile_id, id',
};

/** Every row the lists are made of, to show a rejected request changed nothing. */
export async function snapshot(db: Db): Promise<string> {
  const parts: Record<string, unknown[]> = {};
  for (const [table, order] of Object.entries(TABLES)) parts[table] = await db.query(`SELECT * FROM ${table} ORDER BY ${order}`);
  return JSON.stringify(parts);
}
