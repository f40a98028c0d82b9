import { useState } from 'preact/hooks';
import { api } from '../../api/client';
import type { IdentifierExclusion, Page, Profile, UserExclusion } from '../../api/types';
import { Field, fieldError } from '../../components/Field';
import { Empty, Loading, ProblemMessage } from '../../components/feedback';
import { useAction } from '../../components/useAction';
import { useResource } from '../../lib/useResource';
import { useCan } from '../../lib/useAccess';
import { Badge } from '../../components/Badge';

type Kind = 'identifiers' | 'users';
type Rule = IdentifierExclusion | UserExclusion;

const TEXT: Record<Kind, { title: string; what: string; empty: string }> = {
  identifiers: { title: 'Excluded licence types', what: 'Licence types never counted or reclaimed.', empty: 'No licence type is excluded.' },
  users: { title: 'Excluded people', what: 'People never counted or reclaimed (by user gid, email or both).', empty: 'Nobody is excluded.' },
};

const ruleName = (r: Rule) => ('identifier' in r ? r.identifier : [r.email, r.userGid].filter(Boolean).join(' / '));

/** The exclusion rules of one kind: switched on and off, their reason edited in place, added and removed (each when the token may). */
export function ExclusionsSection({ profile, kind }: { profile: Profile; kind: Kind }) {
  const base = `/api/profiles/${profile.id}/exclusion-rules/${kind}`;
  const rules = useResource(() => api<Page<Rule>>('GET', `${base}?limit=100`), [base]);
  const change = useAction(async (r: Rule, patch: Partial<{ active: boolean; reason: string | null }>) => {
    await api('PATCH', `${base}/${r.id}`, patch);
    rules.reload();
  });
  const remove = useAction(async (r: Rule) => {
    await api('DELETE', `${base}/${r.id}`);
    rules.reload();
  });
  const can = useCan();
  const canChange = can('PATCH', `${base}/{ruleId}`);
  const canRemove = can('DELETE', `${base}/{ruleId}`);
  return (
    <section class="card" aria-labelledby={`excl-${kind}-h`}>
      <h2 id={`excl-${kind}-h`}>{TEXT[kind].title}</h2>
      <p class="muted">{TEXT[kind].what}</p>
      <ProblemMessage error={rules.error ?? change.error ?? remove.error} />
      {rules.loading && !rules.data && <Loading what="Loading" />}
      {rules.data && rules.data.items.length === 0 && <Empty>{TEXT[kind].empty}</Empty>}
      {rules.data && rules.data.items.length > 0 && (
        <ul class="rule-list">
          {rules.data.items.map((r) => (
            <li key={r.id}>
              <strong>{ruleName(r)}</strong>
              {canChange ? (
                <>
                  <label class="check">
                    <input type="checkbox" checked={r.active} onChange={(e) => void change.run(r, { active: e.currentTarget.checked })} /> Active
                  </label>
                  <ReasonEditor rule={r} onSave={(reason) => change.run(r, { reason })} />
                </>
              ) : (
                <>
                  <Badge value={r.active ? 'active' : 'inactive'} />
                  <span class={r.reason ? '' : 'muted'}>{r.reason ?? 'no reason given'}</span>
                </>
              )}
              {canRemove && (
                <button type="button" class="button-small button-danger" onClick={() => void remove.run(r)} aria-label={`Remove the exclusion of ${ruleName(r)}`}>
                  Remove
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {can('POST', base) && <AddExclusion kind={kind} base={base} onAdded={rules.reload} />}
    </section>
  );
}

function ReasonEditor({ rule, onSave }: { rule: Rule; onSave: (reason: string | null) => Promise<boolean> }) {
  const [reason, setReason] = useState(rule.reason ?? '');
  const dirty = reason !== (rule.reason ?? '');
  return (
    <form
      class="reason-form"
      onSubmit={(e) => {
        e.preventDefault();
        void onSave(reason.trim() === '' ? null : reason);
      }}
    >
      <Field label={`Reason for ${ruleName(rule)}`} class="field-inline">
        {(a) => <input {...a} value={reason} placeholder="why" onInput={(e) => setReason(e.currentTarget.value)} />}
      </Field>
      {dirty && (
        <button type="submit" class="button-small">
          Save
        </button>
      )}
    </form>
  );
}

function AddExclusion({ kind, base, onAdded }: { kind: Kind; base: string; onAdded: () => void }) {
  const [value, setValue] = useState('');
  const [reason, setReason] = useState('');
  // A person is named by gid when the text is digits, else by email.
  const body = () => (kind === 'identifiers' ? { identifier: value } : /^\d+$/.test(value.trim()) ? { userGid: value.trim() } : { email: value.trim() });
  const add = useAction(async () => {
    await api('POST', base, { ...body(), ...(reason.trim() ? { reason } : {}) });
    setValue('');
    setReason('');
    onAdded();
  });
  const label = kind === 'identifiers' ? 'Licence type (identifier)' : 'Email or user gid';
  const valueError = fieldError(add.error, 'identifier', 'email', 'userGid', '(body)');
  return (
    <form
      class="inline-form"
      aria-label={kind === 'identifiers' ? 'Exclude a licence type' : 'Exclude a person'}
      onSubmit={(e) => {
        e.preventDefault();
        void add.run();
      }}
    >
      <Field label={label} error={valueError}>
        {(a) => <input {...a} value={value} onInput={(e) => setValue(e.currentTarget.value)} />}
      </Field>
      <Field label="Reason (optional)" error={fieldError(add.error, 'reason')}>
        {(a) => <input {...a} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />}
      </Field>
      <div class="actions form-actions">
        <button type="submit" disabled={add.busy}>
          Exclude
        </button>
      </div>
      {!valueError && <ProblemMessage error={add.error} />}
    </form>
  );
}
