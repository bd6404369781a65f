import { formatChange } from '@stitch/graph';
import { accountColor } from '../account-colors.ts';
import type { DiagnoseJson } from '../api-types.ts';
import { PartialBanner } from '../components/partial-banner.tsx';
import { onLinkClick } from '../router.ts';
import { formatLatency as duration } from '../service-map/map-format.ts';
import { useApi } from '../use-api.ts';

/** Why the traces of the current filter are slow or failing, against the window's other traces. */
export function DiagnosisPanel({ query }: { query: Record<string, string | number | null> }) {
  const loaded = useApi<DiagnoseJson>('/api/diagnose', query);
  if (loaded.state === 'loading') return <div class="card diagnosis">Diagnosing…</div>;
  if (loaded.state === 'failed') return <div class="card diagnosis error">{loaded.error.message}</div>;
  const { counts, contributors, findings } = loaded.value.diagnosis;
  return (
    <section class="card diagnosis" aria-label="diagnosis">
      <h3>
        Diagnosis: {counts.matches} matching traces (p50 {duration(counts.matchP50Nanos)}, p99 {duration(counts.matchP99Nanos)}) against {counts.baseline} others (p50{' '}
        {duration(counts.baselineP50Nanos)})
      </h3>
      <PartialBanner partial={loaded.value.partial} effect="Their spans are not in this diagnosis." />
      {findings.length > 0 && (
        <ul class="findings">
          {findings.map((finding) => (
            <li key={`${finding.kind}-${finding.service}-${finding.operation}`} data-finding={finding.kind}>
              <strong>{finding.kind}</strong> {finding.message}{' '}
              <a href={`/trace/${finding.exampleTraceId}`} onClick={(event) => onLinkClick(event, `/trace/${finding.exampleTraceId}`)}>
                example
              </a>
            </li>
          ))}
        </ul>
      )}
      <table class="contributors">
        <thead>
          <tr>
            <th>critical path held by</th>
            <th>share</th>
            <th>mean per trace</th>
            <th>p50 here</th>
            <th>p50 usually</th>
            <th>change</th>
          </tr>
        </thead>
        <tbody>
          {contributors.slice(0, 8).map((c) => (
            <tr key={`${c.account.id}-${c.service}-${c.operation}`}>
              <td>
                <span class="account-dot" style={{ background: accountColor(c.account.id) }} title={c.account.label} />
                {c.service} › {c.operation}
              </td>
              <td>{(c.share * 100).toFixed(0)} %</td>
              <td>{duration(c.meanCriticalNanos)}</td>
              <td>{duration(c.matchP50Nanos)}</td>
              <td>{duration(c.baselineP50Nanos)}</td>
              <td>{c.changeNanos === null ? '–' : formatChange(BigInt(c.changeNanos))}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
