// The console's routes, in the browser's address bar (the service answers every non-API path with the page).
import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { page: 'profiles' }
  | { page: 'new-profile' }
  | { page: 'profile'; id: string; tab: ProfileTab }
  | { page: 'not-found'; path: string };

export const PROFILE_TABS = ['overview', 'licence', 'people', 'rules', 'runs'] as const;
export type ProfileTab = (typeof PROFILE_TABS)[number];

export function parseRoute(path: string): Route {
  const clean = path.replace(/\/+$/, '') || '/';
  if (clean === '/' || clean === '/profiles') return { page: 'profiles' };
  if (clean === '/profiles/new') return { page: 'new-profile' };
  const m = /^\/profiles\/([0-9a-f-]{36})(?:\/([a-z]+))?$/i.exec(clean);
  if (m) {
    const tab = (m[2] ?? 'overview') as ProfileTab;
    if ((PROFILE_TABS as readonly string[]).includes(tab)) return { page: 'profile', id: m[1]!.toLowerCase(), tab };
  }
  return { page: 'not-found', path };
}

export function profilePath(id: string, tab: ProfileTab = 'overview'): string {
  return tab === 'overview' ? `/profiles/${id}` : `/profiles/${id}/${tab}`;
}

export function navigate(to: string): void {
  if (to === location.pathname + location.search) return;
  history.pushState(null, '', to);
  dispatchEvent(new PopStateEvent('popstate'));
}

export function useRoute(): Route {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    const update = () => setPath(location.pathname);
    addEventListener('popstate', update);
    return () => removeEventListener('popstate', update);
  }, []);
  return parseRoute(path);
}

/** A same-origin link click becomes a route change instead of a page load (new tabs and downloads stay as they are). */
export function interceptLinks(e: MouseEvent): void {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const a = (e.target as Element | null)?.closest('a');
  if (!a || a.target || a.hasAttribute('download') || a.origin !== location.origin) return;
  if (a.pathname.startsWith('/api/') || a.pathname.startsWith('/oauth_redirect')) return;
  e.preventDefault();
  navigate(a.pathname + a.search);
}
