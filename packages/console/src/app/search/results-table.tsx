import { formatDuration } from '@stitch/graph';
import { accountColor } from '../account-colors.ts';
import type { TraceSummaryJson } from '@stitch/api';
import { onLinkClick, urlOf } from '../router.ts';
import { TraceStatus } from '../components/trace-status.tsx';

/** The matching traces, newest first: root, when, how long, how big, where it went, what its caller saw and the errors inside. */
export function ResultsTable({ traces, accountLabels }: { traces: TraceSummaryJson[]; accountLabels: Map<string, string> }) {
  if (traces.length === 0) return <p class="empty">No trace matches. Widen the time range or loosen the filter.</p>;
  return (
    <table class="results">
      <thead>
        <tr>
          <th>root</th>
          <th>started</th>
          <th>duration</th>
          <th>spans</th>
          <th>services</th>
          <th>accounts</th>
          <th title="What the trace's caller saw (its root span), and the spans that erred inside">status</th>
        </tr>
      </thead>
      <tbody>
        {traces.map((trace) => {
          const url = urlOf(`/trace/${trace.traceId}`, {});
          return (
            <tr key={trace.traceId} class="clickable" data-trace-id={trace.traceId} onClick={(event) => onLinkClick(event, url)}>
              <td>
                <a href={url} onClick={(event) => onLinkClick(event, url)}>
                  {trace.rootServiceName} › {trace.rootSpanName}
                </a>
                <div class="muted mono">{trace.traceId}</div>
              </td>
              <td>{new Date(Number(BigInt(trace.startTimeUnixNano) / 1_000_000n)).toLocaleTimeString()}</td>
              <td class="duration">{formatDuration(BigInt(trace.durationNanos))}</td>
              <td>{trace.spanCount}</td>
              <td>{trace.services.join(', ')}</td>
              <td>
                {trace.accounts.map((account) => (
                  <span key={account} class="account" title={account}>
                    <span class="account-dot" style={{ background: accountColor(account) }} />
                    {accountLabels.get(account) ?? account}{' '}
                  </span>
                ))}
              </td>
              <td>
                <TraceStatus summary={trace} />
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
