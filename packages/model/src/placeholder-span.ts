import type { Span, SpanOutline } from './span.ts';

/**
 * What a reader scoped to some accounts sees of another account's span in a trace it shares:
 * where it sits (span and parent ids), when it ran, and whose it is, so the waterfall stays
 * whole. Its service, operation, attributes, events, links and status are not shown; the
 * service name says so ("account 222222222222 (hidden)"), which every view already prints.
 */
export function placeholderOf(span: SpanOutline): Span {
  return {
    traceId: span.traceId,
    spanId: span.spanId,
    parentSpanId: span.parentSpanId,
    traceState: '',
    name: '',
    kind: 'internal',
    startTimeUnixNano: span.startTimeUnixNano,
    endTimeUnixNano: span.endTimeUnixNano,
    status: { code: 'unset', message: '' },
    http: { method: null, route: null, url: null, statusCode: null },
    attributes: {},
    events: [],
    links: [],
    resource: { serviceName: hiddenServiceName(span.account.id), attributes: {} },
    scope: { name: '', version: '' },
    // The label is the account's name, which the reader is not told either.
    account: { id: span.account.id, label: span.account.id },
  };
}

export const hiddenServiceName = (accountId: string) => `account ${accountId} (hidden)`;

/** Whether a service name is a placeholder's (a real service could be named so, but then it reads the same). */
export const isHiddenServiceName = (name: string) => /^account .* \(hidden\)$/.test(name);
