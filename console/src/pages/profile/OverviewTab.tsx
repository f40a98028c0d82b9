import type { Profile } from '../../api/types';
import { ConnectionSection } from './ConnectionSection';
import { ValidationSection } from './ValidationSection';
import { RunNowSection } from './RunNowSection';
import { SchedulesSection } from './SchedulesSection';
import { OptionsSection } from './OptionsSection';
import { useCan } from '../../lib/useAccess';

export function OverviewTab({ profile, onChange }: { profile: Profile; onChange: () => void }) {
  // A token that cannot start runs has nothing to do in Run now.
  const canRun = useCan()('POST', `/api/profiles/${profile.id}/runs`);
  return (
    <div class="grid-2">
      <ConnectionSection profile={profile} />
      <ValidationSection profile={profile} onChange={onChange} />
      {canRun && <RunNowSection profile={profile} />}
      <SchedulesSection profile={profile} />
      <OptionsSection profile={profile} />
    </div>
  );
}
