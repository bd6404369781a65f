import type { PropagationJson } from '../api-types.ts';
import { PartialBanner } from '../components/partial-banner.tsx';
import { TimeRangePicker } from '../components/time-range-picker.tsx';
import { navigate, onLinkClick, urlOf } from '../router.ts';
import { timeWindowOf } from '../time-window.ts';
import { useApi } from '../use-api.ts';
import { useMemo } from 'preact/hooks';

const KIND_TEXT: Record<string, string> = {
  'context-dropped': 'trace context dropped',
  'parent-never-arrived': 'parent span never arrived',
};

/** Where one trace id stops following the request: between which services, how often, with example traces. */
export function PropagationPage({ params }: { params: URLSearchParams }) {
  const window = useMemo(() => timeWindowOf(params, Date.now(), '1h'), [params.toString()]);
  const report = useApi<PropagationJson>('/api/propagation', { start: window.start, end: window.end, account: params.get('account') });
  return (
    <div class="propagation-page">
      <div class="toolbar">
        <h2 style={{ margin: 0, fontSize: '16px' }}>Trace propagation</h2>
        <TimeRangePicker window={window} onRange={(range) => navigate(urlOf('/propagation', { range, account: params.get('account') }))} />
      </div>
      {report.state === 'loading' && <p class="muted">Checking…</p>}
      {report.state === 'failed' && <p class="error">{report.error.message}</p>}
      {report.state === 'loaded' && <PartialBanner partial={report.value.partial} effect="Breaks at their services may not show." />}
      {report.state === 'loaded' &&
        (report.value.findings.length === 0 ? (
          <p class="empty" data-propagation="intact">
            One trace id follows every request end to end in this window: no break found.
          </p>
        ) : (
          <table>
            <thead>
              <tr>
                <th>where</th>
                <th>what</th>
                <th>calls</th>
                <th>example traces</th>
              </tr>
            </thead>
            <tbody>
              {report.value.findings.map((finding) => (
                <tr key={`${finding.kind}-${finding.fromNode}-${finding.toNode}`} data-finding={finding.kind}>
                  <td>
                    <strong>{finding.from}</strong> → <strong>{finding.to}</strong>
                  </td>
                  <td>
                    <span class="badge error">{KIND_TEXT[finding.kind] ?? finding.kind}</span>
                    <div>{finding.message}</div>
                  </td>
                  <td>{finding.count}</td>
                  <td class="mono">
                    {finding.exampleTraceIds.slice(0, 3).map((id) => (
                      <div key={id}>
                        <a href={`/trace/${id}`} onClick={(event) => onLinkClick(event, `/trace/${id}`)}>
                          {id}
                        </a>
                      </div>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
    </div>
  );
}
