import { api } from '../../api/client';
import type { Profile } from '../../api/types';
import { ProblemMessage } from '../../components/feedback';
import { useAction } from '../../components/useAction';
import { formatDateTime } from '../../lib/format';
import { useCan } from '../../lib/useAccess';

/** The connection's state, and Authorize: off to Asana's consent page, and back to this profile after it. */
export function ConnectionSection({ profile }: { profile: Profile }) {
  const c = profile.connection;
  const authorizePath = `/api/profiles/${profile.id}/oauth/authorize`;
  const canAuthorize = useCan()('GET', authorizePath);
  const authorize = useAction(async () => {
    const { authorizeUrl } = await api<{ authorizeUrl: string }>('GET', authorizePath);
    location.assign(authorizeUrl);
  });
  return (
    <section class="card" aria-labelledby="connection-h">
      <h2 id="connection-h">Connection</h2>
      {!c ? (
        <p>This profile has no connection yet.</p>
      ) : (
        <>
          <dl class="facts">
            <dt>Asana</dt>
            <dd>{c.baseUrl}</dd>
            <dt>OAuth client ID</dt>
            <dd>{c.clientId ?? '—'}</dd>
            <dt>Client secret</dt>
            <dd>{c.clientSecretSet ? 'set' : 'not set'}</dd>
            <dt>Service Account token</dt>
            <dd>{c.serviceAccountTokenSet ? 'set (the audit log can be read)' : 'not set (activity comes from stories)'}</dd>
            <dt>Workspace</dt>
            <dd>{c.workspaceGid ?? 'chosen at authorization'}</dd>
            <dt>Authorization</dt>
            <dd data-testid="authorization">
              {c.authorized ? (
                <>
                  <span class="ok-text">Authorized</span>
                  {c.authorizedUser && <> by {c.authorizedUser.name ?? c.authorizedUser.gid}</>}
                  {c.authorizedAt && <>, {formatDateTime(c.authorizedAt)}</>}
                </>
              ) : (
                <span class="bad-text">Not authorized</span>
              )}
            </dd>
          </dl>
          {c.authError && (
            <div class="problem" role="alert">
              <strong>Asana refused the connection:</strong> {c.authError}
              <p>What to do: authorize again with an Asana admin account, then validate.</p>
            </div>
          )}
          {canAuthorize && (
            <div class="actions">
              <button type="button" class={c.authorized ? '' : 'button-primary'} disabled={authorize.busy} onClick={() => void authorize.run()}>
                {c.authorized ? 'Authorize again' : 'Authorize'}
              </button>
              <small class="hint">Opens Asana's consent page; you come back here after it.</small>
            </div>
          )}
          <ProblemMessage error={authorize.error} />
        </>
      )}
    </section>
  );
}
