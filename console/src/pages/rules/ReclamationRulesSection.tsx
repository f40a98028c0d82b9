import { useState } from 'preact/hooks';
import { api } from '../../api/client';
import type { Page, Profile, ReclamationRule } from '../../api/types';
import { Field, fieldError } from '../../components/Field';
import { Empty, Loading, ProblemMessage } from '../../components/feedback';
import { useAction } from '../../components/useAction';
import { plural } from '../../lib/format';
import { useResource } from '../../lib/useResource';
import { useCan } from '../../lib/useAccess';

/** One rule per model: how many days without activity make a seat a removal candidate, edited in place when the token may. */
export function ReclamationRulesSection({ profile }: { profile: Profile }) {
  const rules = useResource(() => api<Page<ReclamationRule>>('GET', `/api/profiles/${profile.id}/reclamation-rules?limit=100`), [profile.id]);
  const canChange = useCan()('PATCH', `/api/profiles/${profile.id}/reclamation-rules/{ruleId}`);
  return (
    <section class="card" aria-labelledby="rules-h">
      <h2 id="rules-h">Reclamation rules</h2>
      <p class="muted">Active subscriptions of a model whose last activity is older than its threshold become removal candidates at the next activity run.</p>
      <ProblemMessage error={rules.error} />
      {rules.loading && !rules.data && <Loading what="Loading the rules" />}
      {rules.data && rules.data.items.length === 0 && <Empty>Rules appear with the models, after the first download.</Empty>}
      {rules.data?.items.map((r) =>
        canChange ? (
          <RuleRow key={r.id} profile={profile} rule={r} onSaved={rules.reload} />
        ) : (
          <p key={r.id} class="inline-form-title">
            {r.edition}: {plural(r.thresholdDays, 'day')} without activity, {r.active ? 'active' : 'inactive'}
          </p>
        ),
      )}
    </section>
  );
}

function RuleRow({ profile, rule, onSaved }: { profile: Profile; rule: ReclamationRule; onSaved: () => void }) {
  const [days, setDays] = useState(String(rule.thresholdDays));
  const [active, setActive] = useState(rule.active);
  const [saved, setSaved] = useState(false);
  const save = useAction(async () => {
    setSaved(false);
    const n = Number(days);
    await api('PATCH', `/api/profiles/${profile.id}/reclamation-rules/${rule.id}`, { thresholdDays: days.trim() !== '' && Number.isFinite(n) ? n : days, active });
    setSaved(true);
    onSaved();
  });
  return (
    <form
      class="inline-form"
      aria-label={`Rule for ${rule.edition}`}
      onSubmit={(e) => {
        e.preventDefault();
        void save.run();
      }}
    >
      <p class="inline-form-title">{rule.edition}</p>
      <Field label="Days without activity" error={fieldError(save.error, 'thresholdDays')}>
        {(a) => <input {...a} inputMode="numeric" size={5} value={days} onInput={(e) => setDays(e.currentTarget.value)} />}
      </Field>
      <label class="check">
        <input type="checkbox" checked={active} onChange={(e) => setActive(e.currentTarget.checked)} /> Active
      </label>
      <div class="actions form-actions">
        <button type="submit" disabled={save.busy}>
          Save
        </button>
        {saved && <span role="status">Saved</span>}
      </div>
      {!fieldError(save.error, 'thresholdDays') && <ProblemMessage error={save.error} />}
    </form>
  );
}
