import { accountNameWithId, annotationsOf } from '@stitch/model';
import type { SpanJson } from '@stitch/api';
import { useApi } from '../use-api.ts';
import { accountColor } from '../account-colors.ts';
import { onLinkClick, urlOf } from '../router.ts';
import { AttributeTable } from './attribute-table.tsx';
import { formatShare } from './critical-summary.ts';
import { attributeRows, formatAttributeValue, formatNanos, formatOffset } from './span-facts.ts';
import { SpanEvents, SpanExceptions } from './span-events.tsx';
import type { WaterfallTrace } from './waterfall-model.ts';

/** A span with a thousand children lists the first ones; the waterfall holds the rest. */
const CHILDREN_LISTED = 50;

export interface SpanDetailsProps {
  trace: WaterfallTrace;
  index: number;
  onSelect(index: number): void;
  onClose(): void;
}

/**
 * Everything one span says: its facts, where it sits on the critical path, its neighbours, then
 * what it recorded, fetched when it is opened (the trace's outline carries no attributes).
 */
export function SpanDetails({ trace, index, onSelect, onClose }: SpanDetailsProps) {
  const span = trace.spans[index]!;
  // Another account's placeholder has nothing more to show.
  const loaded = useApi<SpanJson>(span.hidden ? null : `/api/traces/${trace.traceId}/spans/${span.spanId}`);
  const json = loaded.state === 'loaded' ? loaded.value : null;
  const parent = span.parentIndex >= 0 ? trace.spans[span.parentIndex]! : null;
  const criticalShare = trace.criticalPathNanos > 0 ? span.criticalNanos / trace.criticalPathNanos : 0;
  return (
    <aside class="span-details" aria-label="Span details" data-span-id={span.spanId}>
      <header class="span-details-header">
        <div>
          <div class="muted">{span.serviceName}</div>
          <h2>{span.hidden ? 'Hidden span' : span.name}</h2>
          {span.hidden && <p class="muted" data-fact="hidden">Account {span.accountId}'s span: this token does not read that account, so only its place in the trace, its timing and its account are shown.</p>}
        </div>
        <button class="ghost" title="Hide the details (Enter)" onClick={onClose}>
          ×
        </button>
      </header>

      <dl class="span-facts">
        <dt>Account</dt>
        <dd data-fact="account">
          <span class="account-dot" style={`background:${accountColor(span.accountId)}`} />
          {accountNameWithId({ id: span.accountId, label: span.accountLabel })}
        </dd>
        {!span.hidden && (
          <>
            <dt>Kind</dt>
            <dd>{span.kind}</dd>
            <dt>Status</dt>
            <dd class={span.error ? 'status-error' : ''} data-fact="status">
              {json === null ? (span.error ? 'error' : '…') : json.status.code}
              {json !== null && json.http.statusCode !== null && ` · HTTP ${json.http.statusCode}`}
              {json?.status.message && ` · ${json.status.message}`}
            </dd>
          </>
        )}
        <dt>Start</dt>
        <dd>{formatOffset(span.startOffsetNanos)} from the trace's start</dd>
        <dt>Duration</dt>
        <dd data-fact="duration">{formatNanos(span.durationNanos)}</dd>
        <dt>Self time</dt>
        <dd>{formatNanos(span.selfTimeNanos)}</dd>
        <dt>Critical time</dt>
        <dd data-fact="critical">
          {span.criticalNanos > 0 ? `${formatNanos(span.criticalNanos)} — ${formatShare(criticalShare)} of the trace` : 'not on the critical path'}
        </dd>
        <dt>Span id</dt>
        <dd class="mono">{span.spanId}</dd>
        {span.orphan && (
          <>
            <dt>Parent</dt>
            <dd class="muted">
              <span class="mono">{json?.parentSpanId ?? '…'}</span>, not in this trace (dropped, late, or from an unlinked account)
            </dd>
          </>
        )}
      </dl>

      <section class="span-nav" aria-label="Related spans">
        <button class="ghost" data-nav="parent" disabled={parent === null} title={parent ? `${parent.serviceName} › ${parent.name}` : 'A root span'} onClick={() => parent && onSelect(parent.index)}>
          ↑ Parent{parent ? `: ${parent.name}` : ''}
        </button>
        {span.childIndexes.slice(0, CHILDREN_LISTED).map((child) => (
          <button key={child} class="ghost" data-nav="child" title={`${trace.spans[child]!.serviceName} › ${trace.spans[child]!.name}`} onClick={() => onSelect(child)}>
            ↓ {trace.spans[child]!.name}
          </button>
        ))}
        {span.childIndexes.length > CHILDREN_LISTED && <span class="muted">and {span.childIndexes.length - CHILDREN_LISTED} more children</span>}
      </section>

      {loaded.state === 'loading' && !span.hidden && <p class="muted details-loading">Loading what the span recorded…</p>}
      {loaded.state === 'failed' && <p class="error">{loaded.error.message}</p>}
      {json !== null && <SpanRecorded json={json} />}
    </aside>
  );
}

/** What the span recorded: exceptions first, annotations, attributes, events, links, its resource. */
function SpanRecorded({ json }: { json: SpanJson }) {
  const spanStart = BigInt(json.startTimeUnixNano);
  const annotations = annotationsOf(json.attributes).map(([key, value]): [string, string] => [key, formatAttributeValue(value)]);
  return (
    <>
      <SpanExceptions events={json.events} spanStartNanos={spanStart} />
      {annotations.length > 0 && (
        <section>
          <h3>Annotations</h3>
          <AttributeTable rows={annotations} empty="" />
        </section>
      )}
      <section>
        <h3>Attributes</h3>
        <AttributeTable rows={attributeRows(json.attributes)} empty="No attributes." />
      </section>
      <SpanEvents events={json.events} spanStartNanos={spanStart} />
      <section>
        <h3>Links ({json.links.length})</h3>
        {json.links.length === 0 ? (
          <p class="muted details-empty">No links.</p>
        ) : (
          <ul class="span-links">
            {json.links.map((link) => {
              const url = urlOf(`/trace/${link.traceId}`, { span: link.spanId });
              return (
                <li key={`${link.traceId}/${link.spanId}`}>
                  <a href={url} class="mono" onClick={(event) => onLinkClick(event, url)}>
                    {link.traceId} › {link.spanId}
                  </a>
                  {Object.keys(link.attributes).length > 0 && <AttributeTable rows={attributeRows(link.attributes)} empty="" />}
                </li>
              );
            })}
          </ul>
        )}
      </section>
      <section>
        <h3>Resource</h3>
        <AttributeTable rows={attributeRows(json.resource.attributes)} empty="No resource attributes." />
        <p class="muted scope">
          Instrumentation: <span class="mono">{json.scope.name || '—'}</span> {json.scope.version}
        </p>
      </section>
    </>
  );
}
