import { useState } from 'preact/hooks';
import { signIn } from '../api/client';
import type { Session } from '../api/types';
import { Field } from '../components/Field';
import { ProblemMessage } from '../components/feedback';
import { useAction } from '../components/useAction';

/** The API token is sent once; the service keeps it and gives the browser an HttpOnly session cookie. */
export function SignInPage({ onSignedIn }: { onSignedIn: (s: Session) => void }) {
  const [token, setToken] = useState('');
  const action = useAction(async () => onSignedIn(await signIn(token)));
  return (
    <main id="main" class="signin">
      <form
        class="card signin-card"
        onSubmit={(e) => {
          e.preventDefault();
          void action.run();
        }}
      >
        <h1 tabIndex={-1}>Sign in to the licence manager</h1>
        <p>Use the API token the service printed when it started (or its <code>API_TOKEN</code>).</p>
        <Field label="API token">
          {(attrs) => <input {...attrs} type="password" name="token" autocomplete="off" required value={token} onInput={(e) => setToken(e.currentTarget.value)} />}
        </Field>
        <ProblemMessage error={action.error} />
        <button type="submit" class="button-primary" disabled={action.busy}>
          {action.busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
