// Subscription identifiers: the licence type a membership carries, derived from Asana's membership flags.

export interface MembershipFlags {
  is_guest?: boolean | null;
  is_view_only?: boolean | null;
}

/**
 * The licence types the service knows; each becomes a software model on first sight. Asana bills members and
 * (on Enterprise tiers, as a licence of its own) view-only members; guests are free in organizations.
 */
export const KNOWN_IDENTIFIERS: Readonly<Record<string, { edition: string; billable: boolean }>> = {
  member: { edition: 'Member', billable: true },
  guest: { edition: 'Guest', billable: false },
  view_only: { edition: 'View-only member', billable: true },
};

/**
 * Combinations the service has no licence type for (a view-only guest, say) keep an identifier of their
 * own: they are listed as unrecognized until an operator maps them to a model.
 */
export function identifierFor(flags: MembershipFlags): string {
  if (flags.is_guest && flags.is_view_only) return 'guest_view_only';
  if (flags.is_guest) return 'guest';
  if (flags.is_view_only) return 'view_only';
  return 'member';
}
