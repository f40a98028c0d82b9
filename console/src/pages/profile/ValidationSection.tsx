import { api } from '../../api/client';
import type { Profile } from '../../api/types';
import { Notice, ProblemMessage } from '../../components/feedback';
import { useAction } from '../../components/useAction';
import { formatDateTime } from '../../lib/format';
import { useCan } from '../../lib/useAccess';

/** Validate (each check with its result and remedy), then Publish or Unpublish. */
export function ValidationSection({ profile, onChange }: { profile: Profile; onChange: () => void }) {
  const v = profile.validation;
  const base = `/api/profiles/${profile.id}`;
  const can = useCan();
  const canValidate = can('POST', `${base}/validate`);
  const lifecycleTo = profile.status === 'draft' ? 'publish' : 'unpublish';
  const canLifecycle = can('POST', `${base}/${lifecycleTo}`);
  const validate = useAction(async () => {
    await api('POST', `/api/profiles/${profile.id}/validate`);
    onChange();
  });
  const lifecycle = useAction(async (to: 'publish' | 'unpublish') => {
    await api('POST', `/api/profiles/${profile.id}/${to}`);
    onChange();
  });
  return (
    <section class="card" aria-labelledby="validation-h">
      <h2 id="validation-h">Validation and publishing</h2>
      {!v ? (
        <p>Not validated yet. Validation checks that the connection can download subscriptions and read activity.</p>
      ) : (
        <>
          <p>
            {v.passed ? <span class="ok-text">Passed</span> : <span class="bad-text">Failed</span>}, {formatDateTime(v.checkedAt)}
            {v.stale && <> — no longer applies: {v.staleReason ?? 'something changed since'}; validate again.</>}
          </p>
          <ul class="checks" aria-label="Checks">
            {v.checks.map((c) => (
              <li key={`${c.api}-${c.name}`} class={c.passed ? 'check-pass' : 'check-fail'}>
                <span class="check-mark" aria-hidden="true">
                  {c.passed ? '✓' : '✗'}
                </span>
                <div>
                  <strong>
                    {c.api}: {c.name}
                  </strong>{' '}
                  <span class="visually-hidden">{c.passed ? 'passed' : 'failed'}</span>
                  <div>{c.message}</div>
                  {c.remedy && <div class="remedy">What to do: {c.remedy}</div>}
                </div>
              </li>
            ))}
          </ul>
        </>
      )}
      {(canValidate || canLifecycle) && (
        <div class="actions">
          {canValidate && (
            <button type="button" disabled={validate.busy} onClick={() => void validate.run()}>
              {validate.busy ? 'Validating…' : 'Validate'}
            </button>
          )}
          {canLifecycle && (
            <button type="button" class={lifecycleTo === 'publish' ? 'button-primary' : ''} disabled={lifecycle.busy} onClick={() => void lifecycle.run(lifecycleTo)}>
              {lifecycleTo === 'publish' ? 'Publish' : 'Unpublish'}
            </button>
          )}
        </div>
      )}
      <ProblemMessage error={validate.error ?? lifecycle.error} />
      {profile.status === 'published' && <Notice>Published: the schedules below run the jobs.</Notice>}
    </section>
  );
}
