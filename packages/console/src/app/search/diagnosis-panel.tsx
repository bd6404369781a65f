import { formatChange, operationTitle, stillArriving } from '@stitch/graph';
import { accountColor } from '../account-colors.ts';
import type { DiagnoseJson } from '@stitch/api';
import { PartialBanner } from '../components/partial-banner.tsx';
import { onLinkClick } from '../router.ts';
import { formatLatency as duration } from '../service-map/map-format.ts';
import { useApi } from '../use-api.ts';

/**
 * Why the traces of the current filter are slow or failing, against the window's other traces:
 * the findings (a hop that dropped trace context first), then who holds the critical path, here and
 * usually, with the span p50s apart (another measure). Traces still arriving are counted, not compared.
 */
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
      {stillArriving(counts) && (
        <p data-incomplete={counts.incompleteMatches + counts.incompleteBaseline}>
          {stillArriving(counts)}
        </p>
      )}
      {findings.length > 0 && (
        <ul class="findings">
          {findings.map((finding) => (
            <li key={`${finding.kind}-${finding.service}-${finding.operation}-${finding.peer ?? ''}`} data-finding={finding.kind}>
              <strong>{finding.kind === 'context-dropped' ? `context dropped: ${finding.hop}` : finding.kind}</strong> {finding.message}{' '}
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
            <th rowSpan={2}>critical path held by</th>
            <th colSpan={4}>critical-path time per trace</th>
            <th colSpan={2}>span p50 (every span of it)</th>
          </tr>
          <tr>
            <th>share</th>
            <th>here</th>
            <th>usually</th>
            <th>change</th>
            <th>here</th>
            <th>usually</th>
          </tr>
        </thead>
        <tbody>
          {contributors.slice(0, 8).map((c) => (
            <tr key={`${c.account.id}-${c.service}-${c.operation}-${c.peer ?? ''}`}>
              <td>
                <span class="account-dot" style={{ background: accountColor(c.account.id) }} title={c.account.label} />
                {operationTitle(c)}
                {c.contextDroppedOn && <span class="context-dropped"> (context dropped: {c.contextDroppedOn})</span>}
              </td>
              <td>{(c.share * 100).toFixed(0)} %</td>
              <td>{duration(c.meanCriticalNanos)}</td>
              <td>{duration(c.baselineMeanCriticalNanos)}</td>
              <td>{c.changeNanos === null ? '–' : formatChange(BigInt(c.changeNanos))}</td>
              <td>{duration(c.matchSpanP50Nanos)}</td>
              <td>{duration(c.baselineSpanP50Nanos)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
