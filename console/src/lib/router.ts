// The console's routes in the browser's address bar (the service answers every non-API path with the page).
import { useEffect, useState } from 'preact/hooks';
import { parseRoute, type Route } from './routes';

export { profilePath, type ProfileTab } from './routes';

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
