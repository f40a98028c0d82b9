// Prometheus metrics of the service (prom-client): what an operator alerts on. One registry per set of
// services; `/metrics` on the API (and on the worker's METRICS_PORT) serves it, with the Temporal SDK's own
// worker metrics appended when the SDK's exporter is on.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  apiRequests: Counter<'method' | 'route' | 'status'>;
  apiDuration: Histogram<'method' | 'route'>;
  runs: Counter<'kind' | 'outcome'>;
  runDuration: Histogram<'kind' | 'outcome'>;
  asanaRequests: Counter<'endpoint' | 'method' | 'status'>;
  rateLimitWaits: Counter<'reason'>;
  rateLimitWaitSeconds: Counter<'reason'>;
  seatsReclaimed: Counter;
  /** Text exposition of the registry, plus the SDK's when its exporter listens. */
  exposition(): Promise<string>;
}

export function createMetrics(opts: { candidatesByState?: () => Promise<Record<string, number>>; sdkMetricsUrl?: string } = {}): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'licence_process_' });
  const m = {
    registry,
    apiRequests: new Counter({ name: 'licence_api_requests_total', help: 'API requests answered, by route (template) and status', labelNames: ['method', 'route', 'status'], registers: [registry] }),
    apiDuration: new Histogram({ name: 'licence_api_request_duration_seconds', help: 'API request durations', labelNames: ['method', 'route'], registers: [registry] }),
    runs: new Counter({ name: 'licence_runs_total', help: 'Runs finished, by kind and outcome (succeeded, failed, skipped)', labelNames: ['kind', 'outcome'], registers: [registry] }),
    runDuration: new Histogram({
      name: 'licence_run_duration_seconds',
      help: 'Run durations from start to end, by kind and outcome',
      labelNames: ['kind', 'outcome'],
      buckets: [1, 5, 15, 60, 300, 900, 3600, 4 * 3600, 12 * 3600],
      registers: [registry],
    }),
    asanaRequests: new Counter({ name: 'licence_asana_requests_total', help: 'Requests to Asana, by endpoint (template), method and status', labelNames: ['endpoint', 'method', 'status'], registers: [registry] }),
    rateLimitWaits: new Counter({ name: 'licence_asana_waits_total', help: 'Waits before sending to Asana: rate_limit (a 429 Retry-After) or server_error (backoff after a 5xx)', labelNames: ['reason'], registers: [registry] }),
    rateLimitWaitSeconds: new Counter({ name: 'licence_asana_wait_seconds_total', help: 'Time spent in those waits', labelNames: ['reason'], registers: [registry] }),
    seatsReclaimed: new Counter({ name: 'licence_seats_reclaimed_total', help: 'Seats reclaimed (members removed from their organization)', registers: [registry] }),
  };
  if (opts.candidatesByState) {
    const read = opts.candidatesByState;
    new Gauge({
      name: 'licence_removal_candidates',
      help: 'Removal candidates by state, over every profile',
      labelNames: ['state'],
      registers: [registry],
      async collect() {
        for (const [state, n] of Object.entries(await read())) this.set({ state }, n);
      },
    });
  }
  return {
    ...m,
    async exposition() {
      const own = await registry.metrics();
      if (!opts.sdkMetricsUrl) return own;
      const sdk = await fetch(opts.sdkMetricsUrl)
        .then((r) => (r.ok ? r.text() : ''))
        .catch(() => '');
      return `${own}\n${sdk}`;
    },
  };
}

/** A path's template: gids and UUIDs become placeholders, so a label has few values. */
export function pathTemplate(path: string): string {
  return path.replace(/\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '/{id}').replace(/\/\d+(?=\/|$)/g, '/{gid}');
}
