// The data the charts draw, worked out from the API's answers (pure, unit-tested).
import { ACTIVITY_BUCKETS, type HistoryEntry, type ModelPosition } from '../api/types';

export const BUCKET_LABELS: Record<(typeof ACTIVITY_BUCKETS)[number], string> = {
  '0-30': '0–30 days',
  '30-60': '30–60 days',
  '60-90': '60–90 days',
  '90+': '90+ days',
  never: 'never',
};

export interface Series {
  label: string;
  values: number[];
}

export interface ChartData {
  labels: string[];
  series: Series[];
}

/** The last-activity spread: one bar group per bucket, one series per model that has anyone in it. */
export function spreadChart(models: ModelPosition[]): ChartData {
  const withPeople = models.filter((m) => ACTIVITY_BUCKETS.some((b) => (m.activitySpread[b] ?? 0) > 0));
  return {
    labels: ACTIVITY_BUCKETS.map((b) => BUCKET_LABELS[b]),
    series: withPeople.map((m) => ({ label: m.edition, values: ACTIVITY_BUCKETS.map((b) => m.activitySpread[b] ?? 0) })),
  };
}

export function spreadTotal(models: ModelPosition[]): number {
  return models.reduce((sum, m) => sum + ACTIVITY_BUCKETS.reduce((s, b) => s + (m.activitySpread[b] ?? 0), 0), 0);
}

/**
 * The reconciliations over time, oldest first. With costed models (a currency), seats used against seats owned
 * per currency; without any, how many models were under-, over-licensed or compliant.
 */
export function historyChart(history: HistoryEntry[], formatTime: (iso: string) => string): ChartData {
  const ordered = [...history].sort((a, b) => a.computedAt.localeCompare(b.computedAt));
  const labels = ordered.map((h) => formatTime(h.computedAt));
  const currencies = [...new Set(ordered.flatMap((h) => Object.keys(h.totals)))].sort();
  if (currencies.length === 0) {
    return {
      labels,
      series: [
        { label: 'models under-licensed', values: ordered.map((h) => h.underLicensed) },
        { label: 'models over-licensed', values: ordered.map((h) => h.overLicensed) },
        { label: 'models compliant', values: ordered.map((h) => h.compliant) },
      ],
    };
  }
  const suffix = (c: string) => (currencies.length > 1 ? ` (${c})` : '');
  return {
    labels,
    series: currencies.flatMap((c) => [
      { label: `seats used${suffix(c)}`, values: ordered.map((h) => h.totals[c]?.used ?? 0) },
      { label: `seats owned${suffix(c)}`, values: ordered.map((h) => h.totals[c]?.rightsOwned ?? 0) },
    ]),
  };
}
