import type { Profile } from '../../api/types';
import { ReclamationRulesSection } from './ReclamationRulesSection';
import { ExclusionsSection } from './ExclusionsSection';
import { ModelsSection } from './ModelsSection';

export function RulesTab({ profile }: { profile: Profile }) {
  return (
    <>
      <ReclamationRulesSection profile={profile} />
      <div class="grid-2">
        <ExclusionsSection profile={profile} kind="identifiers" />
        <ExclusionsSection profile={profile} kind="users" />
      </div>
      <ModelsSection profile={profile} />
    </>
  );
}
