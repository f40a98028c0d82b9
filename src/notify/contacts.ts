import type { Queryable } from '../db/pool';
import { loadReview, type ReviewRow } from '../store/candidates';
import { getProfileRow } from '../store/profiles';
import { withOptionDefaults } from '../profiles/options';

/** How a review came to its end: a link (release, or the manager's approve / reject), or the deadline passing. */
export type ReviewEnding = 'kept' | 'released' | 'approved' | 'rejected' | 'deadline';

/** The manager who decides on a request to keep a seat: the rule's, else the profile's. */
export async function managerOf(db: Queryable, review: ReviewRow): Promise<string | null> {
  const profile = await getProfileRow(db, review.profile_id);
  return review.manager_email ?? withOptionDefaults(profile?.options ?? {}).managerEmail ?? null;
}

/** Who the audit trail names for a review's step: "link: <email>" of whoever used the link, or "schedule" for a deadline. */
export async function reviewActor(db: Queryable, candidateId: string, because: ReviewEnding): Promise<string> {
  if (because === 'deadline') return 'schedule';
  const review = await loadReview(db, candidateId);
  if (because === 'released' || because === 'kept') return `link: ${review?.email ?? 'the person'}`;
  return `link: ${(review && (await managerOf(db, review))) ?? 'the manager'}`;
}

export const endingOf = { keep: 'kept', release: 'released', approve: 'approved', reject: 'rejected' } as const;
