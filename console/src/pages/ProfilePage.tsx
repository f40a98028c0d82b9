// One profile: its name and status, and a tab per part of it.
import { api } from '../api/client';
import type { Profile, Session } from '../api/types';
import { Badge } from '../components/Badge';
import { Loading, ProblemMessage } from '../components/feedback';
import { profilePath, type ProfileTab } from '../lib/router';
import { useResource } from '../lib/useResource';
import { OverviewTab } from './profile/OverviewTab';
import { LicenceTab } from './licence/LicenceTab';
import { PeopleTab } from './people/PeopleTab';
import { RulesTab } from './rules/RulesTab';
import { RunsTab } from './runs/RunsTab';

const TAB_LABELS: Record<ProfileTab, string> = { overview: 'Overview', licence: 'Licence position', people: 'People', rules: 'Rules', runs: 'Runs' };

export function ProfilePage({ id, tab, session }: { id: string; tab: ProfileTab; session: Session }) {
  const profile = useResource(() => api<Profile>('GET', `/api/profiles/${id}`), [id]);
  if (!profile.data) {
    return (
      <>
        <h1 tabIndex={-1}>Profile</h1>
        {profile.loading ? <Loading what="Loading the profile" /> : <ProblemMessage error={profile.error} />}
      </>
    );
  }
  const p = profile.data;
  return (
    <>
      <nav aria-label="Breadcrumb" class="breadcrumb">
        <a href="/">Profiles</a> <span aria-hidden="true">›</span> <span>{p.displayName}</span>
      </nav>
      <div class="page-head">
        <h1 tabIndex={-1}>
          {p.displayName} <span class="visually-hidden">: {TAB_LABELS[tab]}</span>
        </h1>
        <Badge value={p.status} />
      </div>
      <nav class="tabs" aria-label="Profile sections">
        {(Object.keys(TAB_LABELS) as ProfileTab[]).map((t) => (
          <a key={t} href={profilePath(p.id, t)} aria-current={t === tab ? 'page' : undefined}>
            {TAB_LABELS[t]}
          </a>
        ))}
      </nav>
      <ProblemMessage error={profile.error} />
      {tab === 'overview' && <OverviewTab profile={p} onChange={profile.reload} />}
      {tab === 'licence' && <LicenceTab profile={p} />}
      {tab === 'people' && <PeopleTab profile={p} />}
      {tab === 'rules' && <RulesTab profile={p} />}
      {tab === 'runs' && <RunsTab profile={p} session={session} />}
    </>
  );
}
