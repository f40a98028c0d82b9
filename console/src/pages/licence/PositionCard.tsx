import type { ModelPosition } from '../../api/types';
import { Badge } from '../../components/Badge';
import { formatCount, formatMoney, plural, usedShare } from '../../lib/format';

/** One model: seats owned against seats used (a bar), its position, and what it costs or could save. */
export function PositionCard({ model: m }: { model: ModelPosition }) {
  const share = usedShare(m.used, m.rightsOwned);
  const width = share === null ? (m.used > 0 ? 100 : 0) : Math.min(100, share);
  const money = (a: string) => formatMoney(a, m.currency);
  return (
    <article class="card position-card" aria-label={`${m.edition} licence position`} data-testid={`position-${m.edition}`}>
      <div class="section-head">
        <h3>{m.edition}</h3>
        <Badge value={m.position} />
      </div>
      {!m.billable && <p class="muted">Free: not costed.</p>}
      <div class="usage">
        <div
          class={`usage-bar usage-${m.billable ? m.position : 'free'}`}
          role="meter"
          aria-label={`${m.edition}: seats used of seats owned`}
          aria-valuemin={0}
          aria-valuemax={Math.max(m.rightsOwned, m.used, 1)}
          aria-valuenow={m.used}
          aria-valuetext={`${formatCount(m.used)} used of ${formatCount(m.rightsOwned)} owned`}
        >
          <span style={{ width: `${width}%` }} />
        </div>
        <p>
          <strong>{formatCount(m.used)}</strong> used of <strong>{formatCount(m.rightsOwned)}</strong> owned
          {share !== null && <> ({share}%)</>}
        </p>
      </div>
      <dl class="facts facts-compact">
        <dt>Available</dt>
        <dd>{formatCount(m.available)}</dd>
        <dt>Shortfall</dt>
        <dd>{formatCount(m.shortfall)}</dd>
        <dt>True-up cost</dt>
        <dd>{money(m.trueUpCost)}</dd>
        <dt>Over-licensed amount</dt>
        <dd>{money(m.overLicensedAmount)}</dd>
        <dt>Potential savings</dt>
        <dd>
          {money(m.potentialSavings)} <small class="muted">({plural(m.openCandidates, 'open candidate')})</small>
        </dd>
        <dt>Actual savings</dt>
        <dd>
          {money(m.actualSavings)} <small class="muted">({formatCount(m.reclaimed)} reclaimed)</small>
        </dd>
      </dl>
      {!m.currency && m.billable && <p class="hint">No entitlement yet: add one below to cost this model.</p>}
    </article>
  );
}
