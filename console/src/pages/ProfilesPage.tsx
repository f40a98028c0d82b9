import { useState } from 'preact/hooks';
import { api, query } from '../api/client';
import type { JobResult, Page, Profile } from '../api/types';
import { Badge } from '../components/Badge';
import { Empty, Loading, ProblemMessage } from '../components/feedback';
import { Pager } from '../components/Pager';
import { formatRelative, humanize } from '../lib/format';
import { profilePath } from '../lib/router';
import { useCan } from '../lib/useAccess';
import { useResource } from '../lib/useResource';

const LIMIT = 25;

/** Each profile with its newest run (one small request per profile: the list is short). */
async function loadProfiles(offset: number) {
  const page = await api<Page<Profile>>('GET', `/api/profiles${query({ limit: LIMIT, offset })}`);
  const lastRuns = await Promise.all(page.items.map((p) => api<Page<JobResult>>('GET', `/api/profiles/${p.id}/job-results?limit=1`).then((r) => r.items[0] ?? null, () => null)));
  return { page, lastRuns };
}

export function ProfilesPage() {
  const [offset, setOffset] = useState(0);
  const profiles = useResource(() => loadProfiles(offset), [offset]);
  const canCreate = useCan()('POST', '/api/profiles');
  return (
    <>
      <div class="page-head">
        <h1 tabIndex={-1}>Profiles</h1>
        {canCreate && (
          <a class="button button-primary" href="/profiles/new">
            New profile
          </a>
        )}
      </div>
      <p class="lead">Each profile connects one Asana organization: its seats, who uses them, and what was bought.</p>
      <ProblemMessage error={profiles.error} />
      {profiles.loading && !profiles.data && <Loading what="Loading the profiles" />}
      {profiles.data && profiles.data.page.total === 0 && (
        <Empty>
          {canCreate ? (
            <>
              No profile yet. <a href="/profiles/new">Create one</a> with your Asana OAuth app.
            </>
          ) : (
            'No profile this token can see.'
          )}
        </Empty>
      )}
      {profiles.data && profiles.data.page.total > 0 && (
        <>
          <div class="table-scroll" tabIndex={0}>
            <table class="data">
              <caption class="visually-hidden">Profiles</caption>
              <thead>
                <tr>
                  <th scope="col">Profile</th>
                  <th scope="col">Status</th>
                  <th scope="col">Organization</th>
                  <th scope="col">Last run</th>
                </tr>
              </thead>
              <tbody>
                {profiles.data.page.items.map((p, i) => {
                  const run = profiles.data!.lastRuns[i];
                  return (
                    <tr key={p.id}>
                      <td>
                        <a href={profilePath(p.id)}>{p.displayName}</a>
                      </td>
                      <td>
                        <Badge value={p.status} />
                      </td>
                      <td>{organization(p)}</td>
                      <td>
                        {run ? (
                          <>
                            <Badge value={run.status} /> {humanize(run.kind)}, {formatRelative(run.finishedAt ?? run.startedAt)}
                          </>
                        ) : (
                          <span class="muted">no run yet</span>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <Pager label="Profiles" total={profiles.data.page.total} limit={LIMIT} offset={offset} onOffset={setOffset} />
        </>
      )}
    </>
  );
}

function organization(p: Profile): string {
  const c = p.connection;
  if (!c) return 'no connection';
  if (c.workspaceGid) return `${c.workspaceGid}${c.authorizedUser?.name ? ` (by ${c.authorizedUser.name})` : ''}`;
  return c.authorized ? 'authorized' : 'not authorized yet';
}
