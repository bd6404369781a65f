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

/** Where a trace begins and ends, and its root. */
export interface TraceBounds {
  startNanos: Nanos;
  endNanos: Nanos;
  /** The earliest parentless span; while it has not arrived, the earliest span stands in. */
  root: Span;
}

/** The bounds of one trace's spans; null for none. The one place the root rule lives (stores mirror it in their own terms). */
export function traceBoundsOf(spans: readonly Span[]): TraceBounds | null {
  let root: Span | undefined;
  let first: Span | undefined;
  let end: Nanos | undefined;
  for (const span of spans) {
    if (span.parentSpanId === null && (!root || span.startTimeUnixNano < root.startTimeUnixNano)) root = span;
    if (!first || span.startTimeUnixNano < first.startTimeUnixNano) first = span;
    if (end === undefined || span.endTimeUnixNano > end) end = span.endTimeUnixNano;
  }
  if (!first || end === undefined) return null;
  return { startNanos: first.startTimeUnixNano, endNanos: end, root: root ?? first };
}

/**
 * Summarises the spans of one trace. The root is the span without a parent; when it has
 * not arrived (yet), the earliest span stands in so the trace is still findable.
 */
export function summarizeTrace(spans: readonly Span[]): TraceSummary | null {
  const bounds = traceBoundsOf(spans);
  if (!bounds) return null;
  const services = new Set<string>();
  const accounts = new Set<string>();
  let hasError = false;
  for (const span of spans) {
    services.add(span.resource.serviceName);
    accounts.add(span.account.id);
    hasError ||= isErrorSpan(span);
  }
  return {
    traceId: bounds.root.traceId,
    rootServiceName: bounds.root.resource.serviceName,
    rootSpanName: bounds.root.name,
    startTimeUnixNano: bounds.startNanos,
    durationNanos: (bounds.endNanos - bounds.startNanos) as Nanos,
    spanCount: spans.length,
    services: [...services].sort(),
    accounts: [...accounts].sort(),
    hasError,
  };
}
