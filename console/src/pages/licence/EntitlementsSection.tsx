import { useState } from 'preact/hooks';
import { api } from '../../api/client';
import type { Entitlement, Page, Profile, SoftwareModel } from '../../api/types';
import { Empty, Loading, ProblemMessage } from '../../components/feedback';
import { useAction } from '../../components/useAction';
import { formatCount, formatDate, formatMoney } from '../../lib/format';
import { useResource } from '../../lib/useResource';
import { useCan } from '../../lib/useAccess';
import { EntitlementForm, type EntitlementInput } from './EntitlementForm';

/** Seats bought per model: listed, added, changed and removed; the API's checks show next to the field. */
export function EntitlementsSection({ profile, models, onChange }: { profile: Profile; models: SoftwareModel[]; onChange: () => void }) {
  const base = `/api/profiles/${profile.id}/entitlements`;
  const list = useResource(() => api<Page<Entitlement>>('GET', `${base}?limit=100`), [profile.id]);
  const [editing, setEditing] = useState<string | null>(null);
  const can = useCan();
  const canAdd = can('POST', base);
  const canEdit = can('PATCH', `${base}/{entitlementId}`);
  const canRemove = can('DELETE', `${base}/{entitlementId}`);
  const columns = canEdit || canRemove ? 6 : 5;
  const changed = () => {
    list.reload();
    onChange();
  };
  const remove = useAction(async (e: Entitlement) => {
    await api('DELETE', `${base}/${e.id}`);
    changed();
  });
  const save = async (input: EntitlementInput, id?: string) => {
    await api(id ? 'PATCH' : 'POST', id ? `${base}/${id}` : base, input);
    setEditing(null);
    changed();
  };
  return (
    <section class="card" aria-labelledby="entitlements-h">
      <h2 id="entitlements-h">Entitlements</h2>
      <p class="muted">Seats bought per model. A change counts in the position from the next reconciliation.</p>
      <ProblemMessage error={list.error ?? remove.error} />
      {list.loading && !list.data && <Loading what="Loading the entitlements" />}
      {list.data && list.data.items.length === 0 && <Empty>No entitlement yet.</Empty>}
      {list.data && list.data.items.length > 0 && (
        <div class="table-scroll" tabIndex={0}>
          <table class="data wide">
            <caption class="visually-hidden">Entitlements</caption>
            <thead>
              <tr>
                <th scope="col">Model</th>
                <th scope="col">Seats</th>
                <th scope="col">Unit price</th>
                <th scope="col">Term</th>
                <th scope="col">Current</th>
                {columns === 6 && (
                  <th scope="col">
                    <span class="visually-hidden">Actions</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((e) =>
                editing === e.id ? (
                  <tr key={e.id}>
                    <td colSpan={columns}>
                      <EntitlementForm models={models} initial={e} submitLabel="Save" onSubmit={(input) => save(input, e.id)} onCancel={() => setEditing(null)} />
                    </td>
                  </tr>
                ) : (
                  <tr key={e.id}>
                    <td>{e.edition}</td>
                    <td>{formatCount(e.quantity)}</td>
                    <td>{formatMoney(e.unitPrice, e.currency)}</td>
                    <td>
                      {formatDate(e.termStart)} – {formatDate(e.termEnd)}
                    </td>
                    <td>{e.current ? 'yes' : 'no'}</td>
                    {columns === 6 && (
                      <td class="row-actions">
                        {canEdit && (
                          <button type="button" class="button-small" onClick={() => setEditing(e.id)} aria-label={`Edit ${e.edition} entitlement of ${e.quantity}`}>
                            Edit
                          </button>
                        )}
                        {canRemove && (
                          <button type="button" class="button-small button-danger" disabled={remove.busy} onClick={() => void remove.run(e)} aria-label={`Remove ${e.edition} entitlement of ${e.quantity}`}>
                            Remove
                          </button>
                        )}
                      </td>
                    )}
                  </tr>
                ),
              )}
            </tbody>
          </table>
        </div>
      )}
      {canAdd && (
        <>
          <h3>Add an entitlement</h3>
          {models.length === 0 ? <Empty>Models appear after the first subscription download.</Empty> : <EntitlementForm models={models} submitLabel="Add entitlement" onSubmit={(input) => save(input)} />}
        </>
      )}
    </section>
  );
}
