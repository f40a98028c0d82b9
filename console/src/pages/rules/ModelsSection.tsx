import { api } from '../../api/client';
import type { Page, Profile, SoftwareModel } from '../../api/types';
import { Empty, Loading, ProblemMessage } from '../../components/feedback';
import { useAction } from '../../components/useAction';
import { formatCount } from '../../lib/format';
import { useResource } from '../../lib/useResource';
import { useCan } from '../../lib/useAccess';

/** The software models: what each licence type is, and whether it costs money. */
export function ModelsSection({ profile }: { profile: Profile }) {
  const models = useResource(() => api<Page<SoftwareModel>>('GET', `/api/profiles/${profile.id}/software-models?limit=100`), [profile.id]);
  const billable = useAction(async (m: SoftwareModel, value: boolean) => {
    await api('PATCH', `/api/profiles/${profile.id}/software-models/${m.id}`, { billable: value });
    models.reload();
  });
  const canChange = useCan()('PATCH', `/api/profiles/${profile.id}/software-models/{modelId}`);
  return (
    <section class="card" aria-labelledby="models-h">
      <h2 id="models-h">Software models</h2>
      <ProblemMessage error={models.error ?? billable.error} />
      {models.loading && !models.data && <Loading what="Loading the models" />}
      {models.data && models.data.items.length === 0 && <Empty>Models appear after the first subscription download.</Empty>}
      {models.data && models.data.items.length > 0 && (
        <div class="table-scroll" tabIndex={0}>
          <table class="data">
            <caption class="visually-hidden">Software models</caption>
            <thead>
              <tr>
                <th scope="col">Edition</th>
                <th scope="col">Licence types</th>
                <th scope="col">Active seats</th>
                <th scope="col">Costs money</th>
              </tr>
            </thead>
            <tbody>
              {models.data.items.map((m) => (
                <tr key={m.id}>
                  <td>{m.edition}</td>
                  <td>{m.identifiers.join(', ')}</td>
                  <td>{formatCount(m.activeSubscriptions)}</td>
                  <td>
                    {canChange ? (
                      <input type="checkbox" aria-label={`${m.edition} costs money`} checked={m.billable} disabled={billable.busy} onChange={(e) => void billable.run(m, e.currentTarget.checked)} />
                    ) : m.billable ? (
                      'yes'
                    ) : (
                      'no'
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
