import { useState } from 'preact/hooks';
import { api } from '../../api/client';
import type { JobKind, Profile } from '../../api/types';
import { Notice, ProblemMessage } from '../../components/feedback';
import { useAction } from '../../components/useAction';
import { profilePath } from '../../lib/router';

export const JOBS: Array<{ job: JobKind; label: string; what: string }> = [
  { job: 'download', label: 'Download subscriptions', what: 'who holds a seat, and their licence type' },
  { job: 'activity', label: 'Refresh activity', what: 'who did something lately; finds removal candidates' },
  { job: 'reclaim', label: 'Reclaim', what: 'removes ready candidates, within the cap' },
  { job: 'reconcile', label: 'Reconcile', what: 'the licence position against entitlements' },
];

export function RunNowSection({ profile }: { profile: Profile }) {
  const [started, setStarted] = useState<string | null>(null);
  const run = useAction(async (job: JobKind) => {
    setStarted(null);
    await api('POST', `/api/profiles/${profile.id}/runs`, { job });
    setStarted(JOBS.find((j) => j.job === job)!.label);
  });
  return (
    <section class="card" aria-labelledby="runnow-h">
      <h2 id="runnow-h">Run now</h2>
      <ul class="job-list">
        {JOBS.map((j) => (
          <li key={j.job}>
            <button type="button" disabled={run.busy} onClick={() => void run.run(j.job)}>
              Run {j.label.toLowerCase()}
            </button>
            <small class="hint">{j.what}</small>
          </li>
        ))}
      </ul>
      {started && (
        <Notice>
          {started} started. <a href={profilePath(profile.id, 'runs')}>Follow it in Runs</a>.
        </Notice>
      )}
      <ProblemMessage error={run.error} />
    </section>
  );
}
