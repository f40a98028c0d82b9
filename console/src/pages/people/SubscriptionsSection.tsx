import type { Profile, SoftwareModel, Subscription } from '../../api/types';
import { Badge } from '../../components/Badge';
import { Field } from '../../components/Field';
import { Empty, Loading, ProblemMessage } from '../../components/feedback';
import { Pager } from '../../components/Pager';
import { formatDate, formatRelative } from '../../lib/format';
import { directionOf, sortParam } from '../../lib/sortByActivity';
import { ActivitySortHeader } from './SortHeader';
import { ModelFilter } from './ModelFilter';
import { PAGE_SIZE, useList } from './useList';

export function SubscriptionsSection({ profile, models }: { profile: Profile; models: SoftwareModel[] }) {
  const path = `/api/profiles/${profile.id}/subscriptions`;
  const { list, filters, setFilter, offset, setOffset, csvQuery } = useList<Subscription, { status: string; modelId: string; email: string; inactiveSince: string; sort: string }>(path, {
    status: 'active',
    modelId: '',
    email: '',
    inactiveSince: '',
    sort: '',
  });
  const rows = list.data?.items ?? [];
  return (
    <section class="card" aria-labelledby="subs-h">
      <div class="section-head">
        <h2 id="subs-h">Subscriptions</h2>
        <a class="button" href={`${path}.csv${csvQuery}`} download>
          Download CSV
        </a>
      </div>
      <form class="filters" aria-label="Subscription filters" onSubmit={(e) => e.preventDefault()}>
        <Field label="Status">
          {(a) => (
            <select {...a} value={filters.status} onChange={(e) => setFilter('status', e.currentTarget.value)}>
              <option value="">any</option>
              <option value="active">active</option>
              <option value="ended">ended</option>
            </select>
          )}
        </Field>
        <ModelFilter models={models} value={filters.modelId} onChange={(v) => setFilter('modelId', v)} />
        <Field label="Inactive since">
          {(a) => <input {...a} type="date" value={filters.inactiveSince} onChange={(e) => setFilter('inactiveSince', e.currentTarget.value)} />}
        </Field>
        <Field label="Email">
          {(a) => <input {...a} type="search" value={filters.email} onChange={(e) => setFilter('email', e.currentTarget.value)} />}
        </Field>
      </form>
      <ProblemMessage error={list.error} />
      {list.loading && !list.data && <Loading what="Loading the subscriptions" />}
      {list.data && list.data.total === 0 && <Empty>No subscription matches. The download run fills this list.</Empty>}
      {list.data && list.data.total > 0 && (
        <>
          <div class="table-scroll" tabIndex={0}>
            <table class="data wide">
              <caption class="visually-hidden">Subscriptions</caption>
              <thead>
                <tr>
                  <th scope="col">Person</th>
                  <th scope="col">Licence type</th>
                  <th scope="col">Status</th>
                  <ActivitySortHeader direction={directionOf(filters.sort)} onChange={(d) => setFilter('sort', sortParam(d))} />
                  <th scope="col">First seen</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((s) => (
                  <tr key={s.userGid}>
                    <td>
                      {s.name ?? s.userGid}
                      {s.isAdmin && <small class="muted"> (admin)</small>}
                      <div class="muted small">{s.email}</div>
                    </td>
                    <td>{s.model ?? `${s.identifier} (unrecognized)`}</td>
                    <td>
                      <Badge value={s.status} />
                    </td>
                    <td>{s.lastActivityAt ? `${formatRelative(s.lastActivityAt)}` : 'never'}</td>
                    <td>{formatDate(s.firstSeenAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager label="Subscriptions" total={list.data.total} limit={PAGE_SIZE} offset={offset} onOffset={setOffset} />
        </>
      )}
    </section>
  );
}
