import { useEffect, useState } from 'preact/hooks';
import { api, query } from '../../api/client';
import type { JobResult, Page, Profile, Session } from '../../api/types';
import { Badge } from '../../components/Badge';
import { Field } from '../../components/Field';
import { Empty, Loading, ProblemMessage } from '../../components/feedback';
import { Pager } from '../../components/Pager';
import { countLabel, formatCount, formatDateTime, formatDuration, humanize } from '../../lib/format';
import { remedyFor, sourceNotes, temporalRunUrl } from '../../lib/runs';
import { useResource } from '../../lib/useResource';

const LIMIT = 20;

/** Every run of the profile, newest first, as a timeline; it refreshes itself while a run is going. */
export function RunsTab({ profile, session }: { profile: Profile; session: Session }) {
  const [kind, setKind] = useState('');
  const [offset, setOffset] = useState(0);
  const runs = useResource(() => api<Page<JobResult>>('GET', `/api/profiles/${profile.id}/job-results${query({ kind, limit: LIMIT, offset })}`), [profile.id, kind, offset]);
  const running = runs.data?.items.some((r) => r.status === 'running') ?? false;
  useEffect(() => {
    if (!running) return;
    const timer = setTimeout(runs.reload, 1_500);
    return () => clearTimeout(timer);
  }, [running, runs.data, runs.reload]);
  return (
    <section aria-labelledby="runs-h">
      <div class="section-head">
        <h2 id="runs-h">Runs</h2>
        <div class="actions">
          <Field label="Kind" class="field-inline">
            {(a) => (
              <select
                {...a}
                value={kind}
                onChange={(e) => {
                  setKind(e.currentTarget.value);
                  setOffset(0);
                }}
              >
                <option value="">all</option>
                {['download', 'activity', 'reclaim', 'reconcile'].map((k) => (
                  <option key={k} value={k}>
                    {k}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <button type="button" class="button-quiet" onClick={runs.reload}>
            Refresh
          </button>
        </div>
      </div>
      <ProblemMessage error={runs.error} />
      {runs.loading && !runs.data && <Loading what="Loading the runs" />}
      {runs.data && runs.data.total === 0 && <Empty>No run yet. Start one from the Overview, or publish the profile to schedule them.</Empty>}
      {runs.data && runs.data.total > 0 && (
        <>
          <ol class="timeline" aria-label="Runs, newest first">
            {runs.data.items.map((r) => (
              <RunItem key={r.id} run={r} session={session} />
            ))}
          </ol>
          <Pager label="Runs" total={runs.data.total} limit={LIMIT} offset={offset} onOffset={setOffset} />
        </>
      )}
    </section>
  );
}

function RunItem({ run, session }: { run: JobResult; session: Session }) {
  const remedy = remedyFor(run);
  const counts = Object.entries(run.counts);
  const notes = sourceNotes(run.details);
  return (
    <li class={`timeline-item timeline-${run.status}`} data-kind={run.kind}>
      <div class="timeline-head">
        <strong>{humanize(run.kind)}</strong> <Badge value={run.status} /> <span class="muted">{humanize(run.trigger)}</span>
        <span class="timeline-time">
          {formatDateTime(run.startedAt)} · {formatDuration(run.startedAt, run.finishedAt)}
        </span>
      </div>
      {counts.length > 0 && (
        <dl class="counts">
          {counts.map(([k, v]) => (
            <div key={k}>
              <dt>{countLabel(k)}</dt>
              <dd>{formatCount(v)}</dd>
            </div>
          ))}
        </dl>
      )}
      {run.error && <p class="problem">{run.error}</p>}
      {remedy && <p class="remedy">What to do: {remedy}</p>}
      {notes.map((n) => (
        <p class="muted small" key={n}>
          {n}
        </p>
      ))}
      <p class="small">
        {session.temporalUi ? (
          <a href={temporalRunUrl(session.temporalUi, run)} target="_blank" rel="noopener">
            Open in Temporal Web UI<span class="visually-hidden"> ({run.kind} run of {formatDateTime(run.startedAt)}, new tab)</span>
          </a>
        ) : (
          <span class="muted">
            Workflow <code>{run.workflowId}</code> (set TEMPORAL_UI_URL to link the Temporal Web UI)
          </span>
        )}
      </p>
    </li>
  );
}
