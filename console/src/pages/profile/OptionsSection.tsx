import type { Profile } from '../../api/types';
import { countLabel, formatDateTime } from '../../lib/format';

const yesNo = (b: boolean) => (b ? 'on' : 'off');

export function OptionsSection({ profile }: { profile: Profile }) {
  const o = profile.options;
  const sources = o.activitySources === 'auto' ? 'auto (stories, and the audit log with a Service Account token)' : o.activitySources.join(', ');
  const meaningful = Object.entries(o.meaningfulActivity)
    .filter(([, on]) => on)
    .map(([k]) => countLabel(k))
    .join(', ');
  return (
    <section class="card" aria-labelledby="options-h">
      <h2 id="options-h">Options</h2>
      <dl class="facts">
        <dt>Download subscriptions</dt>
        <dd>always on</dd>
        <dt>Download activity</dt>
        <dd>{yesNo(o.downloadActivity)}</dd>
        <dt>Analyze activity from</dt>
        <dd>{formatDateTime(o.analyzeActivityFrom)}</dd>
        <dt>Activity sources</dt>
        <dd>{sources}</dd>
        <dt>What counts as activity</dt>
        <dd>{meaningful || 'nothing'}</dd>
        <dt>Reclaim seats</dt>
        <dd>
          {yesNo(o.reclaimSubscriptions)}
          {o.reclaimDryRun && ' (dry run)'}, at most {o.reclaimCapPercent}% of active seats a run
        </dd>
        <dt>Profile type</dt>
        <dd>{profile.profileType}</dd>
      </dl>
    </section>
  );
}
