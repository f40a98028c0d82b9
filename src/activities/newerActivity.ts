import type { Db } from '../db/pool';
import type { AsanaClientOptions } from '../asana/client';
import type { AsanaClients } from '../profiles/asanaClients';
import type { ProfileOptions } from '../profiles/types';
import { auditEventCounts, sourcesToRead } from '../runs/activitySources';
import { activityCompleteSince } from '../store/activity';
import type { ReclaimTarget } from '../store/candidates';
import type { ConnectionRecord } from '../store/profiles';

/** The time of a person's newest activity since their candidate was made, or null. */
export type NewerActivity = (target: ReclaimTarget) => Promise<string | null>;

/**
 * How a reclaim asks Asana, just before removing someone, whether they were active since their candidate was
 * made: the audit log can be asked about one person (as the Service Account, when the profile reads it and it is
 * caught up). Stories cannot be searched by person; for them the database, which the activity run before this
 * reclaim brought up to date, is what is asked (the reclaim's own check of each candidate).
 */
export async function newerActivityCheck(
  deps: { db: Db; asana: AsanaClients },
  p: { connection: ConnectionRecord; options: ProfileOptions; workspaceGid: string; clientOptions: Omit<AsanaClientOptions, 'baseUrl' | 'tokens'> },
): Promise<NewerActivity | null> {
  if (!sourcesToRead(p.options, p.connection.hasServiceAccountToken).includes('auditLog')) return null;
  const since = await activityCompleteSince(deps.db, p.connection.profileId, ['auditLog']);
  const asana = since ? await deps.asana.forServiceAccount(p.connection, p.clientOptions) : null;
  if (!since || !asana) return null;
  return async (target) => {
    const from = target.lastActivityAt ? new Date(target.lastActivityAt.getTime() + 1) : since;
    for await (const page of asana.auditLogEventPages(p.workspaceGid, { actorGid: target.userGid, actorType: 'user', limit: 100, startAt: from.toISOString() })) {
      const newer = page.data.find((e) => e.actor?.gid === target.userGid && auditEventCounts(e.event_type, p.options.meaningfulActivity));
      return newer?.created_at ?? null;
    }
    return null;
  };
}
