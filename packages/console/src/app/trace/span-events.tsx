import type { SpanJson } from '@stitch/api';
import { AttributeTable } from './attribute-table.tsx';
import { attributeRows, exceptionOf, formatOffset } from './span-facts.ts';

type SpanEventJson = SpanJson['events'][number];

/** The exceptions a span recorded, first and prominent: they are usually why someone opened it. */
export function SpanExceptions({ events, spanStartNanos }: { events: readonly SpanEventJson[]; spanStartNanos: bigint }) {
  const exceptions = events.flatMap((event) => {
    const facts = exceptionOf(event);
    return facts ? [{ event, facts }] : [];
  });
  if (exceptions.length === 0) return null;
  return (
    <section class="span-exceptions">
      <h3>Exceptions ({exceptions.length})</h3>
      {exceptions.map(({ event, facts }, i) => (
        <div key={i} class="exception">
          <div class="exception-title">
            <strong class="mono">{facts.type || 'exception'}</strong>
            <span class="muted"> {formatOffset(Number(BigInt(event.timeUnixNano) - spanStartNanos))}</span>
            {facts.escaped && <span class="badge error">escaped</span>}
          </div>
          {facts.message && <div class="exception-message">{facts.message}</div>}
          {facts.stacktrace && <pre class="mono">{facts.stacktrace}</pre>}
        </div>
      ))}
    </section>
  );
}

/** Every event of the span as recorded, each offset from the span's start. */
export function SpanEvents({ events, spanStartNanos }: { events: readonly SpanEventJson[]; spanStartNanos: bigint }) {
  return (
    <section>
      <h3>Events ({events.length})</h3>
      {events.length === 0 ? (
        <p class="muted details-empty">No events.</p>
      ) : (
        <ol class="span-events">
          {events.map((event, i) => (
            <li key={i} class={event.name === 'exception' ? 'span-event is-exception' : 'span-event'}>
              <div>
                <span class="mono muted">{formatOffset(Number(BigInt(event.timeUnixNano) - spanStartNanos))}</span> <strong>{event.name}</strong>
              </div>
              {Object.keys(event.attributes).length > 0 && <AttributeTable rows={attributeRows(event.attributes)} empty="" />}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
