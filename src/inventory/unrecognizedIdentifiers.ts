import { paged, type Page, type Paged, type Queryable } from './sql';

export interface UnrecognizedIdentifierRow {
  identifier: string;
  subscriptions: number;
  first_seen_at: Date;
}

/** Identifiers held by active subscriptions that no mapping links to a model: kept, but not costed. */
export async function listUnrecognizedIdentifiers(db: Queryable, profileId: string, page: Page): Promise<Paged<UnrecognizedIdentifierRow>> {
  const select = `
    SELECT s.identifier, count(*) AS subscriptions, min(s.first_seen_at) AS first_seen_at
      FROM subscriptions s
     WHERE s.profile_id = $1 AND s.status = 'active' AND s.model_id IS NULL
     GROUP BY s.identifier`;
  return paged<UnrecognizedIdentifierRow>(db, select, [profileId], 'q.identifier', page);
}

export function unrecognizedIdentifierView(r: UnrecognizedIdentifierRow) {
  return { identifier: r.identifier, subscriptions: r.subscriptions, firstSeenAt: r.first_seen_at };
}
