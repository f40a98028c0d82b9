import { api } from '../../api/client';
import type { Page, Profile, SoftwareModel } from '../../api/types';
import { useResource } from '../../lib/useResource';
import { SubscriptionsSection } from './SubscriptionsSection';
import { CandidatesSection } from './CandidatesSection';
import { UnrecognizedSection } from './UnrecognizedSection';

export function PeopleTab({ profile }: { profile: Profile }) {
  const models = useResource(() => api<Page<SoftwareModel>>('GET', `/api/profiles/${profile.id}/software-models?limit=100`), [profile.id]);
  const list = models.data?.items ?? [];
  return (
    <>
      <CandidatesSection profile={profile} models={list} />
      <SubscriptionsSection profile={profile} models={list} />
      <UnrecognizedSection profile={profile} models={list} onMapped={models.reload} />
    </>
  );
}
