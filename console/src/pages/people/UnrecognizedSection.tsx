import { useState } from 'preact/hooks';
import { api } from '../../api/client';
import type { Page, Profile, SoftwareModel, UnrecognizedIdentifier } from '../../api/types';
import { Field, fieldError } from '../../components/Field';
import { Empty, Loading, ProblemMessage } from '../../components/feedback';
import { useAction } from '../../components/useAction';
import { formatDate, plural } from '../../lib/format';
import { useResource } from '../../lib/useResource';
import { useCan } from '../../lib/useAccess';

const NEW = '__new__';

/** Licence types no model maps: kept but not costed until mapped to a model (an existing one, or a new one). */
export function UnrecognizedSection({ profile, models, onMapped }: { profile: Profile; models: SoftwareModel[]; onMapped: () => void }) {
  const list = useResource(() => api<Page<UnrecognizedIdentifier>>('GET', `/api/profiles/${profile.id}/unrecognized-identifiers?limit=100`), [profile.id]);
  const canMap = useCan()('POST', `/api/profiles/${profile.id}/unrecognized-identifiers/{identifier}/mapping`);
  return (
    <section class="card" aria-labelledby="unrec-h">
      <h2 id="unrec-h">Unrecognized licence types</h2>
      <ProblemMessage error={list.error} />
      {list.loading && !list.data && <Loading what="Loading" />}
      {list.data && list.data.items.length === 0 && <Empty>Every licence type seen maps to a model.</Empty>}
      {list.data?.items.map((u) =>
        canMap ? (
          <MappingRow
            key={u.identifier}
            profile={profile}
            models={models}
            item={u}
            onMapped={() => {
              list.reload();
              onMapped();
            }}
          />
        ) : (
          <p key={u.identifier} class="inline-form-title">
            <IdentifierFacts item={u} />
          </p>
        ),
      )}
    </section>
  );
}

function MappingRow({ profile, models, item, onMapped }: { profile: Profile; models: SoftwareModel[]; item: UnrecognizedIdentifier; onMapped: () => void }) {
  const [target, setTarget] = useState(NEW);
  const [edition, setEdition] = useState('');
  const map = useAction(async () => {
    await api('POST', `/api/profiles/${profile.id}/unrecognized-identifiers/${encodeURIComponent(item.identifier)}/mapping`, target === NEW ? { edition } : { modelId: target });
    onMapped();
  });
  return (
    <form
      class="inline-form"
      aria-label={`Map ${item.identifier}`}
      onSubmit={(e) => {
        e.preventDefault();
        void map.run();
      }}
    >
      <p class="inline-form-title">
        <IdentifierFacts item={item} />
      </p>
      <Field label="Map to" error={fieldError(map.error, 'modelId')}>
        {(a) => (
          <select {...a} value={target} onChange={(e) => setTarget(e.currentTarget.value)}>
            <option value={NEW}>a new model…</option>
            {models.map((m) => (
              <option key={m.id} value={m.id}>
                {m.edition}
              </option>
            ))}
          </select>
        )}
      </Field>
      {target === NEW && (
        <Field label="New model's edition" error={fieldError(map.error, 'edition')}>
          {(a) => <input {...a} value={edition} onInput={(e) => setEdition(e.currentTarget.value)} />}
        </Field>
      )}
      <div class="actions form-actions">
        <button type="submit" disabled={map.busy}>
          Map
        </button>
      </div>
      <ProblemMessage error={map.error} />
    </form>
  );
}

function IdentifierFacts({ item }: { item: UnrecognizedIdentifier }) {
  return (
    <>
      <code>{item.identifier}</code>: {plural(item.subscriptions, 'subscription')}, first seen {formatDate(item.firstSeenAt)}
    </>
  );
}
