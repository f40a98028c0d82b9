// The console: sign-in until there is a session, then the profiles and each profile's pages.
import { useEffect, useState } from 'preact/hooks';
import { currentSession, onSignedOut, signOut, whoAmI } from './api/client';
import type { Me, Session } from './api/types';
import { allows } from './lib/access';
import { AccessContext } from './lib/useAccess';
import { interceptLinks, navigate, useRoute } from './lib/router';
import { Loading, ProblemMessage } from './components/feedback';
import { SignInPage } from './pages/SignInPage';
import { ProfilesPage } from './pages/ProfilesPage';
import { NewProfilePage } from './pages/NewProfilePage';
import { ProfilePage } from './pages/ProfilePage';

export function App() {
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [me, setMe] = useState<Me | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const route = useRoute();

  useEffect(() => {
    currentSession().then(setSession, setError);
    return onSignedOut(() => setSession(null));
  }, []);

  // Once per session (sign-in or a reload with one): every page shows only what the token may do.
  useEffect(() => {
    setMe(undefined);
    if (session) whoAmI().then(setMe, setError);
  }, [session]);

  useEffect(() => {
    document.addEventListener('click', interceptLinks);
    return () => document.removeEventListener('click', interceptLinks);
  }, []);

  // Each route change moves focus to the page's heading, so keyboard and screen-reader users start there.
  useEffect(() => {
    const heading = document.querySelector<HTMLElement>('main h1');
    heading?.focus();
  }, [route.page, route.page === 'profile' ? route.id : '', session === null, me === undefined]);

  if (error) return <main id="main" class="container"><h1>Licence manager</h1><ProblemMessage error={error} /></main>;
  if (session === null) return <SignInPage onSignedIn={setSession} />;
  if (session === undefined || me === undefined) return <main id="main" class="container"><Loading /></main>;
  const canCreate = allows(me.operations, 'POST', '/api/profiles');

  const out = async () => {
    await signOut().catch(() => undefined);
    setSession(null);
    navigate('/');
  };

  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="topbar">
        <div class="container topbar-inner">
          <a class="brand" href="/">
            Licence manager
          </a>
          <nav aria-label="Main">
            <a href="/" aria-current={route.page === 'profiles' ? 'page' : undefined}>
              Profiles
            </a>
            {canCreate && (
              <a href="/profiles/new" aria-current={route.page === 'new-profile' ? 'page' : undefined}>
                New profile
              </a>
            )}
          </nav>
          <p class="whoami" data-testid="whoami">
            <span class="visually-hidden">Signed in as </span>
            {me.name} · {me.role}
          </p>
          <button type="button" class="button-quiet" onClick={out}>
            Sign out
          </button>
        </div>
      </header>
      <AccessContext.Provider value={me}>
        <main id="main" class="container">
          {route.page === 'profiles' && <ProfilesPage />}
          {route.page === 'new-profile' && (canCreate ? <NewProfilePage /> : <NotAllowed what="create profiles" />)}
          {route.page === 'profile' && <ProfilePage id={route.id} tab={route.tab} session={session} />}
          {route.page === 'not-found' && (
            <>
              <h1 tabIndex={-1}>Page not found</h1>
              <p>
                Nothing lives at <code>{route.path}</code>. <a href="/">See the profiles</a>.
              </p>
            </>
          )}
        </main>
      </AccessContext.Provider>
    </>
  );
}

/** A page the token's role cannot use, reached by its address. */
function NotAllowed({ what }: { what: string }) {
  return (
    <>
      <h1 tabIndex={-1}>Not available</h1>
      <p>
        This token cannot {what}. <a href="/">See the profiles</a>.
      </p>
    </>
  );
}
