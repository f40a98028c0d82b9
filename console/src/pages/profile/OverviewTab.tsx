import type { Profile } from '../../api/types';
import { ConnectionSection } from './ConnectionSection';
import { ValidationSection } from './ValidationSection';
import { RunNowSection } from './RunNowSection';
import { SchedulesSection } from './SchedulesSection';
import { OptionsSection } from './OptionsSection';

export function OverviewTab({ profile, onChange }: { profile: Profile; onChange: () => void }) {
  return (
    <div class="grid-2">
      <ConnectionSection profile={profile} />
      <ValidationSection profile={profile} onChange={onChange} />
      <RunNowSection profile={profile} />
      <SchedulesSection profile={profile} />
      <OptionsSection profile={profile} />
    </div>
  );
}
