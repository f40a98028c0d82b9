import { api } from '../../api/client';
import type { Page, Profile, ScheduledJob } from '../../api/types';
import { Empty, Loading, ProblemMessage } from '../../components/feedback';
import { formatDateTime, formatRelative, humanize } from '../../lib/format';
import { useResource } from '../../lib/useResource';

export function SchedulesSection({ profile }: { profile: Profile }) {
  const schedules = useResource(() => api<Page<ScheduledJob>>('GET', `/api/profiles/${profile.id}/scheduled-jobs`), [profile.id, profile.status, profile.schedules.join()]);
  return (
    <section class="card" aria-labelledby="schedules-h">
      <h2 id="schedules-h">Schedules</h2>
      <ProblemMessage error={schedules.error} />
      {schedules.loading && !schedules.data && <Loading what="Loading the schedules" />}
      {schedules.data && schedules.data.items.length === 0 && <Empty>No schedule: publishing the profile creates them.</Empty>}
      {schedules.data && schedules.data.items.length > 0 && (
        <div class="table-scroll" tabIndex={0}>
          <table class="data">
            <caption class="visually-hidden">Schedules</caption>
            <thead>
              <tr>
                <th scope="col">Job</th>
                <th scope="col">Next run</th>
                <th scope="col">State</th>
              </tr>
            </thead>
            <tbody>
              {schedules.data.items.map((s) => (
                <tr key={s.id}>
                  <td>{humanize(s.kind)}</td>
                  <td>{s.nextRuns[0] ? `${formatDateTime(s.nextRuns[0])} (${formatRelative(s.nextRuns[0])})` : '—'}</td>
                  <td>{s.paused ? 'paused' : 'active'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
