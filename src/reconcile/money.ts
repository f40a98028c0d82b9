// Money as integer cents (bigint): unit prices carry two decimals, so sums are exact and every derived
// amount is rounded once, half up, instead of drifting through floating point.

/** "12.5", "12.50" or "1250" (numeric text with at most two decimals) to cents. */
export function toCents(decimal: string): bigint {
  const match = /^(\d+)(?:\.(\d{1,2}))?$/.exec(decimal.trim());
  if (!match) throw new Error(`not an amount with at most two decimals: ${decimal}`);
  return BigInt(match[1]!) * 100n + BigInt((match[2] ?? '').padEnd(2, '0'));
}

/** n / d rounded half up; both non-negative, d > 0. */
export function divRoundHalfUp(n: bigint, d: bigint): bigint {
  return (2n * n + d) / (2n * d);
}

/** A non-negative integer count of 1/10^scale units as a decimal string with exactly `scale` decimals. */
export function formatScaled(units: bigint, scale: number): string {
  const digits = units.toString().padStart(scale + 1, '0');
  return `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`;
}

export const formatCents = (cents: bigint): string => formatScaled(cents, 2);
