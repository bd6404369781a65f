import { isErrorSpan, type Span } from './span.ts';
import type { Nanos } from './units.ts';

/** One row of a trace search result. */
export interface TraceSummary {
  traceId: string;
  rootServiceName: string;
  rootSpanName: string;
  startTimeUnixNano: Nanos;
  durationNanos: Nanos;
  spanCount: number;
  services: string[];
  accounts: string[];
  hasError: boolean;
}

/**
 * Summarises the spans of one trace. The root is the span without a parent; when it has
 * not arrived (yet), the earliest span stands in so the trace is still findable.
 */
export function summarizeTrace(spans: readonly Span[]): TraceSummary | null {
  let root: Span | undefined;
  let first: Span | undefined;
  let start: bigint | undefined;
  let end: bigint | undefined;
  const services = new Set<string>();
  const accounts = new Set<string>();
  let hasError = false;
  for (const span of spans) {
    if (span.parentSpanId === null && (!root || span.startTimeUnixNano < root.startTimeUnixNano)) root = span;
    if (!first || span.startTimeUnixNano < first.startTimeUnixNano) first = span;
    if (start === undefined || span.startTimeUnixNano < start) start = span.startTimeUnixNano;
    if (end === undefined || span.endTimeUnixNano > end) end = span.endTimeUnixNano;
    services.add(span.resource.serviceName);
    accounts.add(span.account.id);
    hasError ||= isErrorSpan(span);
  }
  const head = root ?? first;
  if (!head || start === undefined || end === undefined) return null;
  return {
    traceId: head.traceId,
    rootServiceName: head.resource.serviceName,
    rootSpanName: head.name,
    startTimeUnixNano: start as Nanos,
    durationNanos: (end - start) as Nanos,
    spanCount: spans.length,
    services: [...services].sort(),
    accounts: [...accounts].sort(),
    hasError,
  };
}
