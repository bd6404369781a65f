import { useEffect, useState } from 'preact/hooks';
import type { SloAnswerJson, SloListJson } from '@stitch/api';
import { BudgetChart } from '../span-metrics/budget-chart.tsx';
import { burn, percent } from '../span-metrics/metrics-format.ts';
import '../span-metrics/span-metrics.css';
import { onLinkClick, urlOf } from '../router.ts';
import { useApi } from '../use-api.ts';

/** Span metrics are written every few seconds; the figures move slowly. */
const REFRESH_MS = 30_000;

type SloWithStatus = SloListJson['slos'][number];

/** Every SLO with where it stands; one SLO's budget day by day at `/slos?slo=<id>`. */
export function SlosPage({ params }: { params: URLSearchParams }) {
  const [version, setVersion] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setVersion((v) => v + 1), REFRESH_MS);
    return () => clearInterval(timer);
  }, []);
  const loaded = useApi<SloListJson>('/api/slos', { v: version });
  const selectedId = params.get('slo');
  if (loaded.state === 'failed') return <p class="error">{loaded.error.message}</p>;
  if (loaded.state === 'loading' && version === 0) return <p class="muted">Loading SLOs…</p>;
  const slos = loaded.state === 'loaded' ? loaded.value.slos : [];
  const breached = slos.filter((slo) => !slo.status.met).length;
  return (
    <div class="slos-page">
      <h2>
        SLOs{' '}
        <span class="muted">
          {slos.length - breached} met · {breached} breached
        </span>
      </h2>
      {slos.length === 0 ? (
        <p class="empty">
          No SLO yet: <code>stitch slo create --name "checkout p99 under 2 s" --service checkout --latency-ms 2000 --target 99 --window 30</code>, or POST /api/slos.
        </p>
      ) : (
        <table aria-label="SLOs">
          <thead>
            <tr>
              <th>status</th>
              <th>SLO</th>
              <th class="number">target</th>
              <th class="number">compliance</th>
              <th class="number">budget left</th>
              <th class="number">burn 1 h</th>
              <th class="number">burn window</th>
            </tr>
          </thead>
          <tbody>
            {slos.map((slo) => {
              const url = urlOf('/slos', { slo: slo.id });
              return (
                <tr key={slo.id} data-slo-id={slo.id} class={slo.id === selectedId ? 'selected' : ''}>
                  <td>
                    <MetBadge met={slo.status.met} />
                  </td>
                  <td>
                    <a href={url} onClick={(event) => onLinkClick(event, url)}>
                      <strong>{slo.name}</strong>
                    </a>
                    <div class="muted">{slo.description}</div>
                  </td>
                  <td class="number">{percent(slo.target, 2)}</td>
                  <td class="number">{percent(slo.status.compliance, 3)}</td>
                  <td class="number">{percent(slo.status.errorBudget.remaining)}</td>
                  <td class="number">{burn(slo.status.burnRate['1h'])}</td>
                  <td class="number">{burn(slo.status.burnRate.window)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {selectedId && <SloDetail id={selectedId} version={version} />}
    </div>
  );
}

function MetBadge({ met }: { met: boolean }) {
  return <span class={met ? 'slo-met' : 'slo-breached'}>{met ? 'met' : 'breached'}</span>;
}

/** One SLO: its window's figures, burn rates, and the budget left after each day. */
function SloDetail({ id, version }: { id: string; version: number }) {
  const loaded = useApi<SloAnswerJson>(`/api/slos/${encodeURIComponent(id)}`, { v: version });
  if (loaded.state === 'failed') {
    return (
      <p class="empty">
        {loaded.error.status === 404 ? `No SLO ${id}. ` : loaded.error.message}{' '}
        <a href="/slos" onClick={(event) => onLinkClick(event, '/slos')}>
          All SLOs
        </a>
      </p>
    );
  }
  if (loaded.state === 'loading') return <p class="muted">Loading {id}…</p>;
  const { slo, status } = loaded.value;
  const daily = status.daily ?? [];
  return (
    <section class="card" aria-label={`SLO ${slo.name}`}>
      <h3>
        {slo.name} <MetBadge met={status.met} />
      </h3>
      <div class="muted">
        {slo.description}{' '}
        <a href="/alarms" onClick={(event) => onLinkClick(event, '/alarms')}>
          Alarms on this SLO
        </a>
      </div>
      <div class="figures">
        <Figure label="compliance" value={percent(status.compliance, 3)} />
        <Figure label="target" value={percent(slo.target, 2)} />
        <Figure label="requests" value={`${Math.round(status.good)} good of ${status.total}`} />
        <Figure label="error budget left" value={percent(status.errorBudget.remaining)} />
        <Figure label="bad / allowed" value={`${Math.round(status.errorBudget.bad)} / ${status.errorBudget.allowedBad.toFixed(1)}`} />
        <Figure label="burn 1 h" value={burn(status.burnRate['1h'])} />
        <Figure label="burn 6 h" value={burn(status.burnRate['6h'])} />
        <Figure label="burn 24 h" value={burn(status.burnRate['24h'])} />
        <Figure label={`burn ${status.window.days} d`} value={burn(status.burnRate.window)} />
      </div>
      <BudgetChart daily={daily} />
      <table aria-label="days of the window">
        <thead>
          <tr>
            <th>day (UTC)</th>
            <th class="number">requests</th>
            <th class="number">good</th>
            <th class="number">compliance</th>
            <th class="number">budget left after it</th>
          </tr>
        </thead>
        <tbody>
          {[...daily].reverse().map((day) => (
            <tr key={day.dayStartMs}>
              <td>{new Date(day.dayStartMs).toISOString().slice(0, 10)}</td>
              <td class="number">{day.total}</td>
              <td class="number">{Math.round(day.good)}</td>
              <td class="number">{percent(day.compliance, 2)}</td>
              <td class="number">{percent(day.budgetRemaining)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function Figure({ label, value }: { label: string; value: string }) {
  return (
    <div role="group" aria-label={label}>
      <span class="muted">{label}</span>
      <strong>{value}</strong>
    </div>
  );
}
