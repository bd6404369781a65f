import type { PropagationFindingJson, PropagationJson, PropagationNodeJson } from '@stitch/api';
import { PartialBanner } from '../components/partial-banner.tsx';
import { TimeRangePicker } from '../components/time-range-picker.tsx';
import { navigate, onLinkClick, urlOf } from '../router.ts';
import { timeWindowOf } from '../time-window.ts';
import { useApi } from '../use-api.ts';
import { useMemo } from 'preact/hooks';
import { nodeOf, tracesAtUrl } from '../propagation/finding-view.ts';
import '../propagation/propagation.css';

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
                <FindingRow key={`${finding.kind}-${finding.from}-${finding.to}`} finding={finding} window={window} />
              ))}
            </tbody>
          </table>
        ))}
    </div>
  );
}

/** One break: where (services by name, with their accounts), what, how often, and its example traces. */
function FindingRow({ finding, window }: { finding: PropagationFindingJson; window: { start: string; end: string } }) {
  const from = nodeOf(finding.fromNode, finding.from);
  const to = nodeOf(finding.toNode, finding.to);
  const searchUrl = finding.exampleTraceIds.length === 0 ? tracesAtUrl(finding, window) : null;
  return (
    <tr data-finding={finding.kind}>
      <td class="finding-where">
        {from ? <NodeName node={from} /> : <span class="muted">{finding.kind === 'parent-never-arrived' ? 'a caller whose span never arrived' : 'callers without context'}</span>} →{' '}
        {to && <NodeName node={to} />}
      </td>
      <td>
        <span class="badge error">{KIND_TEXT[finding.kind] ?? finding.kind}</span>
        <div>{finding.message}</div>
      </td>
      <td>{finding.count}</td>
      <td class="finding-examples">
        {finding.exampleTraceIds.map((id) => (
          <div key={id} class="mono">
            <a href={`/trace/${id}`} data-example-trace={id} onClick={(event) => onLinkClick(event, `/trace/${id}`)}>
              {id}
            </a>
          </div>
        ))}
        {finding.exampleTraceIds.length === 0 && (
          <div data-no-examples>
            <span class="muted">No example trace was recorded for this finding.</span>{' '}
            {searchUrl && to && (
              <a href={searchUrl} onClick={(event) => onLinkClick(event, searchUrl)}>
                Search {to.service}'s traces in this window
              </a>
            )}
          </div>
        )}
      </td>
    </tr>
  );
}

function NodeName({ node }: { node: PropagationNodeJson }) {
  return (
    <span class="node-name" data-service={node.service} data-account={node.account}>
      <strong>{node.service}</strong> <span class="muted account-label">{node.accountLabel || node.account}</span>
    </span>
  );
}
