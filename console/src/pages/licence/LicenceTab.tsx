import { useEffect, useMemo, useState } from 'preact/hooks';
import { api } from '../../api/client';
import type { LicencePosition, Page, Profile, SoftwareModel } from '../../api/types';
import { DataChart } from '../../components/Chart';
import { Empty, Loading, Notice, ProblemMessage } from '../../components/feedback';
import { useAction } from '../../components/useAction';
import { historyChart, spreadChart, spreadTotal } from '../../lib/chartData';
import { formatDateTime } from '../../lib/format';
import { useResource } from '../../lib/useResource';
import { useCan } from '../../lib/useAccess';
import { PositionCard } from './PositionCard';
import { TotalsTable } from './TotalsTable';
import { EntitlementsSection } from './EntitlementsSection';

export function LicenceTab({ profile }: { profile: Profile }) {
  const position = useResource(() => api<LicencePosition>('GET', `/api/profiles/${profile.id}/license-position?historyLimit=30`), [profile.id]);
  const models = useResource(() => api<Page<SoftwareModel>>('GET', `/api/profiles/${profile.id}/software-models?limit=100`), [profile.id]);
  // After Reconcile now, the position is read again until a newer reconciliation is there (at most a minute).
  const [waitingSince, setWaitingSince] = useState<{ computedAt: string | null; at: number } | null>(null);
  const reconcile = useAction(async () => {
    await api('POST', `/api/profiles/${profile.id}/runs`, { job: 'reconcile' });
    setWaitingSince({ computedAt: position.data?.computedAt ?? null, at: Date.now() });
  });
  const canReconcile = useCan()('POST', `/api/profiles/${profile.id}/runs`);
  const waiting = waitingSince !== null && position.data?.computedAt === waitingSince.computedAt && Date.now() - waitingSince.at < 60_000;
  useEffect(() => {
    if (!waiting) return;
    const timer = setTimeout(position.reload, 1_000);
    return () => clearTimeout(timer);
  }, [waiting, position.data, position.reload]);
  const spread = useMemo(() => (position.data ? spreadChart(position.data.models) : null), [position.data]);
  const history = useMemo(() => (position.data ? historyChart(position.data.history, (iso) => formatDateTime(iso)) : null), [position.data]);
  const p = position.data;
  return (
    <>
      <section aria-labelledby="position-h">
        <div class="section-head">
          <h2 id="position-h">Licence position</h2>
          <div class="actions">
            {canReconcile && (
              <button type="button" disabled={reconcile.busy} onClick={() => void reconcile.run()}>
                Reconcile now
              </button>
            )}
            <button type="button" class="button-quiet" onClick={position.reload}>
              Refresh
            </button>
          </div>
        </div>
        <ProblemMessage error={reconcile.error ?? position.error} />
        {waiting && <Notice>Reconciling… the position refreshes when the run has finished.</Notice>}
        {position.loading && !p && <Loading what="Loading the licence position" />}
        {p && !p.computedAt && <Empty>No reconciliation yet: download subscriptions, then reconcile.</Empty>}
        {p?.computedAt && (
          <>
            <p class="muted">Reconciled {formatDateTime(p.computedAt)}.</p>
            <div class="cards">
              {p.models.map((m) => (
                <PositionCard key={m.modelId ?? m.edition} model={m} />
              ))}
            </div>
            <TotalsTable totals={p.totals} />
          </>
        )}
      </section>
      {p?.computedAt && spread && history && (
        <div class="grid-2">
          <section class="card" aria-labelledby="spread-h">
            <h2 id="spread-h">Last activity</h2>
            <p class="muted">Active seats by days since the person last did something.</p>
            {spreadTotal(p.models) === 0 ? <Empty>No active seat to show.</Empty> : <DataChart type="bar" data={spread} label="Last-activity spread" stacked />}
          </section>
          <section class="card" aria-labelledby="history-h">
            <h2 id="history-h">Reconciliations over time</h2>
            <p class="muted">The newest {p.history.length} reconciliations.</p>
            {p.history.length < 2 && <Notice>One reconciliation so far: the line grows with each run.</Notice>}
            <DataChart type="line" data={history} label="Reconciliation history" />
          </section>
        </div>
      )}
      <EntitlementsSection profile={profile} models={models.data?.items ?? []} onChange={position.reload} />
    </>
  );
}
