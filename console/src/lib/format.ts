// How the console writes numbers, money and times. Pure functions of their input (and the locale), so they
// are unit-tested without a browser.

/** A count and its noun, singular for one: "1 open candidate", "18 open candidates". */
export function plural(n: number, singular: string, pluralForm = `${singular}s`, locale?: string): string {
  return `${formatCount(n, locale)} ${n === 1 ? singular : pluralForm}`;
}

/** A count, grouped the locale's way (1,234). */
export function formatCount(n: number, locale?: string): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }).format(n);
}

/**
 * An amount the API sent as a decimal string ("1234.50"), with its currency when there is one ("€1,234.50").
 * A model without entitlements has no currency: its amounts are plain numbers.
 */
export function formatMoney(amount: string | null | undefined, currency: string | null | undefined, locale?: string): string {
  if (amount === null || amount === undefined || amount === '') return '—';
  const value = Number(amount);
  if (!Number.isFinite(value)) return amount;
  if (!currency) return new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(value);
  return new Intl.NumberFormat(locale, { style: 'currency', currency, currencyDisplay: 'symbol' }).format(value);
}

/** A moment as the locale writes a date and time, or a dash. */
export function formatDateTime(iso: string | null | undefined, locale?: string): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(d);
}

export function formatDate(iso: string | null | undefined, locale?: string): string {
  if (!iso) return '—';
  const d = new Date(iso.length === 10 ? `${iso}T00:00:00Z` : iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: iso.length === 10 ? 'UTC' : undefined }).format(d);
}

/** How long ago (or in how long) a moment is, in the largest unit that fits: "3 days ago", "in 5 hours". */
export function formatRelative(iso: string | null | undefined, now: Date = new Date(), locale?: string): string {
  if (!iso) return 'never';
  const ms = new Date(iso).getTime() - now.getTime();
  if (Number.isNaN(ms)) return iso;
  const units: Array<[Intl.RelativeTimeFormatUnit, number]> = [
    ['day', 86_400_000],
    ['hour', 3_600_000],
    ['minute', 60_000],
    ['second', 1_000],
  ];
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  for (const [unit, size] of units) if (Math.abs(ms) >= size || unit === 'second') return rtf.format(Math.round(ms / size), unit);
  return rtf.format(0, 'second');
}

/** A run's duration: "850 ms", "12 s", "3 min 5 s". */
export function formatDuration(startIso: string, endIso: string | null): string {
  if (!endIso) return 'running';
  const ms = new Date(endIso).getTime() - new Date(startIso).getTime();
  if (ms < 1_000) return `${Math.max(0, ms)} ms`;
  const s = Math.round(ms / 1_000);
  if (s < 60) return `${s} s`;
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}

/** A code the API uses (`under_licensed`, `on_demand`) as words ("under-licensed", "on demand"). */
export function humanize(code: string): string {
  const special: Record<string, string> = { under_licensed: 'under-licensed', over_licensed: 'over-licensed', after_activity: 'after activity' };
  return special[code] ?? code.replace(/_/g, ' ');
}

/** A count key of a job result (`storyProjects`) as words ("story projects"). */
export function countLabel(key: string): string {
  return key.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

/** How full the owned seats are, 0..100 (more than 100 when more are used than owned); null without any owned. */
export function usedShare(used: number, owned: number): number | null {
  if (owned <= 0) return null;
  return Math.round((used / owned) * 100);
}
