import { useMemo } from 'preact/hooks';
import { accountColor } from '../account-colors.ts';
import type { TraceSummaryJson } from '@stitch/api';
import { TraceStatus } from '../components/trace-status.tsx';
import { formatShare, topCriticalSpans } from './critical-summary.ts';
import { formatCount, formatNanos } from './span-facts.ts';
import type { WaterfallTrace } from './waterfall-model.ts';

/** How many spans the critical-path summary names: enough to show where the time went, few enough to read at a glance. */
const CRITICAL_SPANS_SHOWN = 3;

/** The trace at a glance: what it was, how long it took, who took part, and where the time went. */
export function TraceHeader({ summary, trace, onSelect }: { summary: TraceSummaryJson; trace: WaterfallTrace; onSelect(index: number): void }) {
  const accounts = useMemo(() => {
    const labels = new Map<string, string>();
    for (const span of trace.spans) if (!labels.has(span.accountId)) labels.set(span.accountId, span.accountLabel);
    return [...labels].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }, [trace]);
  const top = useMemo(() => topCriticalSpans(trace.spans, trace.criticalPathNanos, CRITICAL_SPANS_SHOWN), [trace]);

  return (
    <header class="trace-header card">
      <div class="trace-title">
        <h1>
          <span class="muted">{summary.rootServiceName} › </span>
          {summary.rootSpanName}
        </h1>
        <span class="mono muted">{trace.traceId}</span>
      </div>
      <dl class="trace-facts">
        <div>
          <dt>Duration</dt>
          <dd data-fact="duration">{formatNanos(trace.durationNanos)}</dd>
        </div>
        <div>
          <dt>Spans</dt>
          <dd data-fact="spans">{formatCount(trace.spans.length)}</dd>
        </div>
        <div>
          <dt>Services</dt>
          <dd title={summary.services.join(', ')}>{summary.services.length}</dd>
        </div>
        <div>
          <dt title="What the caller saw (the root span), and the spans that erred inside">Status</dt>
          <dd data-fact="status">
            <TraceStatus summary={summary} />
          </dd>
        </div>
        <div>
          <dt>Accounts</dt>
          <dd class="trace-accounts">
            {accounts.map(([id, label]) => (
              <span key={id} title={id}>
                <span class="account-dot" style={`background:${accountColor(id)}`} />
                {label}
              </span>
            ))}
          </dd>
        </div>
      </dl>
      <section class="critical-summary" aria-label="Critical path">
        <h2>Where the time went (critical path)</h2>
        {top.length === 0 ? (
          <p class="muted">No critical path.</p>
        ) : (
          <ol>
            {top.map((entry) => (
              <li key={entry.index}>
                <button class="critical-entry" data-span-id={trace.spans[entry.index]!.spanId} title="Select this span" onClick={() => onSelect(entry.index)}>
                  <span class="critical-share-bar" style={`width:${entry.share * 100}%`} />
                  <span class="critical-name">
                    {entry.count > 1 && <span class="critical-count">× {formatCount(entry.count)} </span>}
                    {entry.serviceName} › {entry.name}
                  </span>
                  <span class="critical-time">{formatNanos(entry.criticalNanos)}</span>
                  <span class="critical-share">{formatShare(entry.share)}</span>
                </button>
              </li>
            ))}
          </ol>
        )}
      </section>
    </header>
  );
}
