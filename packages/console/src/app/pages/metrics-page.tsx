import { useMemo } from 'preact/hooks';
import type { MetricsJson } from '@stitch/api';
import type { MetricGroup } from '@stitch/metrics';
import { TimeRangePicker } from '../components/time-range-picker.tsx';
import { latency, percent } from '../span-metrics/metrics-format.ts';
import { P99TrendChart } from '../span-metrics/p99-trend-chart.tsx';
import '../span-metrics/span-metrics.css';
import { navigate, urlOf } from '../router.ts';
import { timeWindowOf } from '../time-window.ts';
import { useApi } from '../use-api.ts';

const GROUPS: Array<[MetricGroup, string]> = [
  ['service', 'service (all accounts)'],
  ['operation', 'service and operation'],
  ['account', 'account, service and operation'],
];

/** RED per service across accounts (or per operation, or per account): `/metrics?range=1h&groupBy=service`. */
export function MetricsPage({ params }: { params: URLSearchParams }) {
  const query = params.toString();
  const timeWindow = useMemo(() => timeWindowOf(params, Date.now(), '1h'), [query]);
  const groupBy = (GROUPS.find(([group]) => group === params.get('groupBy'))?.[0] ?? 'service') as MetricGroup;
  const service = params.get('service') ?? undefined;
  const loaded = useApi<MetricsJson>('/api/metrics', { start: timeWindow.start, end: timeWindow.end, groupBy, service });
  const change = (changes: Record<string, string | null>) => navigate(urlOf('/metrics', { ...Object.fromEntries(params), ...changes }), { replace: true });
  return (
    <div class="metrics-page">
      <h2>Span metrics</h2>
      <div class="toolbar">
        <TimeRangePicker window={timeWindow} onRange={(range) => change({ range, start: null, end: null })} />
        <label>
          group by{' '}
          <select value={groupBy} onChange={(event) => change({ groupBy: (event.target as HTMLSelectElement).value })}>
            {GROUPS.map(([group, label]) => (
              <option key={group} value={group}>
                {label}
              </option>
            ))}
          </select>
        </label>
        {service && (
          <button class="ghost" onClick={() => change({ service: null })}>
            service {service} ×
          </button>
        )}
      </div>
      {loaded.state === 'failed' && <p class="error">{loaded.error.message}</p>}
      {loaded.state === 'loading' && <p class="muted">Loading span metrics…</p>}
      {loaded.state === 'loaded' && <MetricsTable metrics={loaded.value} onService={(name) => change({ service: name })} />}
    </div>
  );
}

function MetricsTable({ metrics, onService }: { metrics: MetricsJson; onService: (service: string) => void }) {
  if (metrics.series.length === 0) return <p class="empty">No requests in this window.</p>;
  const { groupBy } = metrics;
  return (
    <table aria-label={`span metrics by ${groupBy}`}>
      <thead>
        <tr>
          {groupBy === 'account' && <th>account</th>}
          <th>service</th>
          {groupBy !== 'service' && <th>operation</th>}
          <th class="number">requests</th>
          <th class="number">error rate</th>
          <th class="number">fault rate</th>
          <th class="number">p50</th>
          <th class="number">p90</th>
          <th class="number">p99</th>
          <th>p99 over time</th>
        </tr>
      </thead>
      <tbody>
        {metrics.series.map(({ key, total, points }) => (
          <tr key={`${key.account ?? ''}/${key.service}/${key.operation ?? ''}`} data-service={key.service}>
            {groupBy === 'account' && <td>{key.accountLabel ?? key.account}</td>}
            <td>
              <a href={urlOf('/metrics', { groupBy: 'operation', service: key.service })} onClick={(event) => (event.preventDefault(), onService(key.service))}>
                {key.service}
              </a>
            </td>
            {groupBy !== 'service' && <td>{key.operation}</td>}
            <td class="number">{total.count}</td>
            <td class="number">{percent(total.errorRate)}</td>
            <td class="number">{percent(total.faultRate)}</td>
            <td class="number">{latency(total.p50Ms)}</td>
            <td class="number">{latency(total.p90Ms)}</td>
            <td class="number">{latency(total.p99Ms)}</td>
            <td>
              <P99TrendChart points={points.map((point) => ({ startMs: point.startMs, value: point.p99Ms }))} window={metrics.window} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
