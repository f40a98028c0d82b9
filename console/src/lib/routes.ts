// The console's routes as paths (pure: the browser side is in router.ts).

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
