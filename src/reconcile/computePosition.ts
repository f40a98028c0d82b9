import { divRoundHalfUp, formatCents, formatScaled } from './money';

// The licence position of one model, computed from figures the database has already aggregated.

export const ACTIVITY_BUCKETS = ['0-30', '30-60', '60-90', '90+', 'never'] as const;
export type ActivityBucket = (typeof ACTIVITY_BUCKETS)[number];
export type ActivitySpread = Record<ActivityBucket, number>;

export type Position = 'compliant' | 'under_licensed' | 'over_licensed';

/** One model's inputs: the covering entitlements summed, and the seats counted against them. */
export interface ModelUsage {
  modelId: string;
  edition: string;
  /** False for a licence type that costs nothing (guests): it is never under-licensed and saves nothing. */
  billable: boolean;
  /** The one currency of the model's entitlements; null when it has none. */
  currency: string | null;
  /** Sum of the quantities of the entitlements whose term covers the reconciliation date. */
  rightsOwned: number;
  /** Sum of quantity x unit price of those entitlements, in cents: the weight of the average price. */
  valueCents: bigint;
  used: number;
  openCandidates: number;
  reclaimed: number;
  activitySpread: ActivitySpread;
}

export interface ModelPosition {
  modelId: string;
  edition: string;
  billable: boolean;
  currency: string | null;
  rightsOwned: number;
  used: number;
  available: number;
  shortfall: number;
  position: Position;
  /** Over-licensed is a waste of money, not a breach: only a shortfall makes a model non-compliant. */
  compliant: boolean;
  /** Quantity-weighted over the covering entitlements, 4 decimals; null when no seat is owned. */
  averageUnitPrice: string | null;
  trueUpCost: string;
  overLicensedAmount: string;
  openCandidates: number;
  reclaimed: number;
  potentialSavings: string;
  actualSavings: string;
  activitySpread: ActivitySpread;
}

export interface PositionCounts {
  models: number;
  underLicensed: number;
  overLicensed: number;
  /** Models whose `compliant` flag is true: over-licensed ones included. */
  compliant: number;
}

export function computePosition(u: ModelUsage): ModelPosition {
  const available = Math.max(u.rightsOwned - u.used, 0);
  // Seats of a free licence type need no rights: using more of them than were bought is no breach and no cost.
  const shortfall = u.billable ? Math.max(u.used - u.rightsOwned, 0) : 0;
  const position: Position = shortfall > 0 ? 'under_licensed' : available > 0 ? 'over_licensed' : 'compliant';
  const owned = BigInt(u.rightsOwned);
  // Each amount is seats x (total value / total quantity), rounded once, so it never carries the
  // rounding of the displayed average.
  const amount = (seats: number): string => (owned === 0n ? '0.00' : formatCents(divRoundHalfUp(BigInt(seats) * u.valueCents, owned)));
  return {
    modelId: u.modelId,
    edition: u.edition,
    billable: u.billable,
    currency: u.currency,
    rightsOwned: u.rightsOwned,
    used: u.used,
    available,
    shortfall,
    position,
    compliant: position !== 'under_licensed',
    averageUnitPrice: owned === 0n ? null : formatScaled(divRoundHalfUp(u.valueCents * 100n, owned), 4),
    trueUpCost: amount(shortfall),
    overLicensedAmount: amount(available),
    openCandidates: u.openCandidates,
    reclaimed: u.reclaimed,
    // Reclaiming a free seat is hygiene: it saves nothing.
    potentialSavings: u.billable ? amount(u.openCandidates) : '0.00',
    actualSavings: u.billable ? amount(u.reclaimed) : '0.00',
    activitySpread: u.activitySpread,
  };
}

export function positionCounts(positions: readonly Pick<ModelPosition, 'position'>[]): PositionCounts {
  const under = positions.filter((p) => p.position === 'under_licensed').length;
  return {
    models: positions.length,
    underLicensed: under,
    overLicensed: positions.filter((p) => p.position === 'over_licensed').length,
    compliant: positions.length - under,
  };
}
