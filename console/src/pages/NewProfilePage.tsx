import { useState } from 'preact/hooks';
import { api } from '../api/client';
import type { Profile } from '../api/types';
import { Field, fieldError } from '../components/Field';
import { ProblemMessage } from '../components/feedback';
import { useAction } from '../components/useAction';
import { navigate, profilePath } from '../lib/router';

/** A new profile with its connection (the OAuth app); authorizing it comes next, on its page. */
export function NewProfilePage() {
  const [form, setForm] = useState({ displayName: '', clientId: '', clientSecret: '', baseUrl: '', workspaceGid: '', serviceAccountToken: '' });
  const [options, setOptions] = useState({ downloadActivity: true, reclaimSubscriptions: true, reclaimDryRun: false });
  const set = (k: keyof typeof form) => (e: Event) => setForm({ ...form, [k]: (e.currentTarget as HTMLInputElement).value });
  const create = useAction(async () => {
    const connection: Record<string, string> = { clientId: form.clientId, clientSecret: form.clientSecret };
    if (form.baseUrl) connection.baseUrl = form.baseUrl;
    if (form.workspaceGid) connection.workspaceGid = form.workspaceGid;
    if (form.serviceAccountToken) connection.serviceAccountToken = form.serviceAccountToken;
    const profile = await api<Profile>('POST', '/api/profiles', { displayName: form.displayName, options, connection });
    navigate(profilePath(profile.id));
  });
  const err = (...f: string[]) => fieldError(create.error, ...f);
  return (
    <>
      <h1 tabIndex={-1}>New profile</h1>
      <form
        class="card form-grid"
        onSubmit={(e) => {
          e.preventDefault();
          void create.run();
        }}
      >
        <Field label="Display name" error={err('displayName')}>
          {(a) => <input {...a} name="displayName" required value={form.displayName} onInput={set('displayName')} />}
        </Field>
        <fieldset>
          <legend>Connection: the Asana OAuth app</legend>
          <Field label="Client ID" error={err('connection.clientId')}>
            {(a) => <input {...a} name="clientId" required autocomplete="off" value={form.clientId} onInput={set('clientId')} />}
          </Field>
          <Field label="Client secret" error={err('connection.clientSecret')} hint="Stored encrypted; never shown again.">
            {(a) => <input {...a} name="clientSecret" type="password" required autocomplete="off" value={form.clientSecret} onInput={set('clientSecret')} />}
          </Field>
          <Field label="Asana base URL (optional)" error={err('connection.baseUrl')} hint="Leave empty for the service's Asana.">
            {(a) => <input {...a} name="baseUrl" type="url" value={form.baseUrl} onInput={set('baseUrl')} />}
          </Field>
          <Field label="Workspace GID (optional)" error={err('connection.workspaceGid')}>
            {(a) => <input {...a} name="workspaceGid" value={form.workspaceGid} onInput={set('workspaceGid')} />}
          </Field>
          <Field label="Service Account token (optional)" error={err('connection.serviceAccountToken')} hint="Enterprise tiers: lets the audit log be read.">
            {(a) => <input {...a} name="serviceAccountToken" type="password" autocomplete="off" value={form.serviceAccountToken} onInput={set('serviceAccountToken')} />}
          </Field>
        </fieldset>
        <fieldset>
          <legend>Options</legend>
          {(
            [
              ['downloadActivity', 'Download activity (who last did something)'],
              ['reclaimSubscriptions', 'Reclaim seats of inactive people'],
              ['reclaimDryRun', 'Dry run: record what would be reclaimed, remove nobody'],
            ] as const
          ).map(([k, label]) => (
            <label class="check" key={k}>
              <input type="checkbox" name={k} checked={options[k]} onChange={(e) => setOptions({ ...options, [k]: e.currentTarget.checked })} /> {label}
            </label>
          ))}
        </fieldset>
        <ProblemMessage error={create.error} />
        <div class="actions">
          <button type="submit" class="button-primary" disabled={create.busy}>
            {create.busy ? 'Creating…' : 'Create profile'}
          </button>
          <a href="/">Cancel</a>
        </div>
      </form>
    </>
  );
}
