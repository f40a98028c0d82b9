// What the runs page says about a run beyond the API's fields: the Temporal Web UI link, and what to do.
import type { JobResult } from '../api/types';

/** The run's page in the Temporal Web UI (its event history). */
export function temporalRunUrl(ui: { url: string; namespace: string }, run: Pick<JobResult, 'workflowId' | 'runId'>): string {
  return `${ui.url.replace(/\/+$/, '')}/namespaces/${encodeURIComponent(ui.namespace)}/workflows/${encodeURIComponent(run.workflowId)}/${encodeURIComponent(run.runId)}/history`;
}

/**
 * The remedy for a failed run, when its error is one the operator can act on from the console. The API's
 * error already says what happened; this names the place to fix it.
 */
export function remedyFor(run: Pick<JobResult, 'status' | 'error' | 'details'>): string | null {
  if (run.status === 'skipped') return 'Another run of the same kind was in progress; nothing to do, the next run catches up.';
  if (run.status !== 'failed' || !run.error) return null;
  const e = run.error.toLowerCase();
  if (/authori[sz]|grant|revoked|invalid_grant|401/.test(e)) return 'Authorize the profile again (Overview › Authorize), then validate.';
  if (/admin/.test(e)) return 'Authorize with an Asana account that is an organization admin.';
  if (/rate limit|429/.test(e)) return 'Asana limited the requests; run it again later, or lower the load on this token.';
  if (/service account|audit/.test(e)) return 'Add a Service Account token to the connection, or let activity come from stories.';
  return 'Run it again; if it keeps failing, open the run in the Temporal Web UI for its history.';
}

/** A skipped run names the run in progress; other details (activity sources not read) are shown as they are. */
export function sourceNotes(details: Record<string, unknown>): string[] {
  const sources = details.sources as Record<string, { read?: boolean; reason?: string }> | undefined;
  if (!sources || typeof sources !== 'object') return [];
  return Object.entries(sources)
    .filter(([, s]) => s && typeof s === 'object' && s.reason)
    .map(([name, s]) => `${name}: ${s.reason}`);
}
