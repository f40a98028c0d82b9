import { CANDIDATE_STATES, type Profile, type RemovalCandidate, type SoftwareModel } from '../../api/types';
import { Badge } from '../../components/Badge';
import { Field } from '../../components/Field';
import { Empty, Loading, Notice, ProblemMessage } from '../../components/feedback';
import { Pager } from '../../components/Pager';
import { formatRelative, humanize } from '../../lib/format';
import { directionOf, sortParam } from '../../lib/sortByActivity';
import { ActivitySortHeader } from './SortHeader';
import { ModelFilter } from './ModelFilter';
import { PAGE_SIZE, useList } from './useList';
import { useCandidateActions } from './useCandidateActions';

const OPEN = 'ready,attention_required,awaiting_user,awaiting_approval';

/** What a person can do about a candidate, by its state (the rest the runs decide). */
function stateNote(c: RemovalCandidate): string | null {
  if (c.state === 'awaiting_approval') return 'Waiting for the manager: the approve / reject links were emailed.';
  if (c.state === 'awaiting_user') return 'Waiting for the person: the keep / release links were emailed.';
  if (c.state === 'attention_required') return 'Asana refused the removal: see the reason, fix it in Asana or exclude the person.';
  return null;
}

export function CandidatesSection({ profile, models }: { profile: Profile; models: SoftwareModel[] }) {
  const path = `/api/profiles/${profile.id}/removal-candidates`;
  const { list, filters, setFilter, offset, setOffset, csvQuery } = useList<RemovalCandidate, { state: string; modelId: string; sort: string }>(path, { state: OPEN, modelId: '', sort: '' });
  const actions = useCandidateActions(profile, list.reload);
  const modelName = (id: string | null) => models.find((m) => m.id === id)?.edition ?? '—';
  const rows = list.data?.items ?? [];
  return (
    <section class="card" aria-labelledby="candidates-h">
      <div class="section-head">
        <h2 id="candidates-h">Removal candidates</h2>
        <a class="button" href={`${path}.csv${csvQuery}`} download>
          Download CSV
        </a>
      </div>
      <form class="filters" aria-label="Candidate filters" onSubmit={(e) => e.preventDefault()}>
        <Field label="State">
          {(a) => (
            <select {...a} value={filters.state} onChange={(e) => setFilter('state', e.currentTarget.value)}>
              <option value={OPEN}>open</option>
              <option value="">any</option>
              {CANDIDATE_STATES.map((s) => (
                <option key={s} value={s}>
                  {humanize(s)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <ModelFilter models={models} value={filters.modelId} onChange={(v) => setFilter('modelId', v)} />
      </form>
      {actions.notice && <Notice>{actions.notice}</Notice>}
      <ProblemMessage error={list.error ?? actions.error} />
      {list.loading && !list.data && <Loading what="Loading the candidates" />}
      {list.data && list.data.total === 0 && <Empty>No candidate matches. The activity run finds people inactive for longer than their rule allows.</Empty>}
      {list.data && list.data.total > 0 && (
        <>
          <div class="table-scroll" tabIndex={0}>
            <table class="data wide" data-testid="candidates">
              <caption class="visually-hidden">Removal candidates</caption>
              <thead>
                <tr>
                  <th scope="col">Person</th>
                  <th scope="col">Model</th>
                  <th scope="col">State</th>
                  <ActivitySortHeader direction={directionOf(filters.sort)} onChange={(d) => setFilter('sort', sortParam(d))} />
                  <th scope="col">Reason</th>
                  {actions.any && (
                    <th scope="col">
                      <span class="visually-hidden">Actions</span>
                    </th>
                  )}
                </tr>
              </thead>
              <tbody>
                {rows.map((c) => (
                  <tr key={c.id}>
                    <td>
                      {c.name ?? c.userGid}
                      <div class="muted small">{c.email}</div>
                    </td>
                    <td>{modelName(c.modelId)}</td>
                    <td>
                      <Badge value={c.state} />
                      {stateNote(c) && <div class="small">{stateNote(c)}</div>}
                    </td>
                    <td>{formatRelative(c.lastActivityAt)}</td>
                    <td>{c.reason ?? '—'}</td>
                    {actions.any && (
                      <td class="row-actions">
                        {actions.mayExclude(c) && (
                          <button type="button" class="button-small" disabled={actions.exclude.busy} onClick={() => void actions.exclude.run(c)} aria-label={`Exclude ${c.name ?? c.userGid}`}>
                            Exclude
                          </button>
                        )}
                        {actions.mayRestore(c) && (
                          <button type="button" class="button-small" disabled={actions.restore.busy} onClick={() => void actions.restore.run(c)} aria-label={`Restore ${c.name ?? c.userGid}`}>
                            Restore
                          </button>
                        )}
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager label="Candidates" total={list.data.total} limit={PAGE_SIZE} offset={offset} onOffset={setOffset} />
        </>
      )}
    </section>
  );
}
