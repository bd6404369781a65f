import { spanOutcome, type SpanOutline } from './span.ts';
import { isHiddenServiceName } from './placeholder-span.ts';
import type { Nanos } from './units.ts';

/**
 * A trace's status: what its caller saw, the outcome of its root span (ok, error: a 4xx, fault:
 * a 5xx or an error status; see SpanOutcome). Spans that erred inside a request that succeeded
 * (a retried 503) leave it ok; they are counted apart (TraceSummary.errorSpanCount). unknown:
 * no parentless span has arrived (yet), so nobody can say what the caller saw.
 */
export const TRACE_STATUSES = ['ok', 'error', 'fault', 'unknown'] as const;
export type TraceStatus = (typeof TRACE_STATUSES)[number];

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
  /** What the trace's caller saw (its root span's outcome). */
  status: TraceStatus;
  /** Spans of the trace, the root included, whose outcome is error or fault: "contains 3 errors". */
  errorSpanCount: number;
}

/** Where a trace begins and ends, and its root. */
export interface TraceBounds<S extends SpanOutline = SpanOutline> {
  startNanos: Nanos;
  endNanos: Nanos;
  /** The earliest parentless span; while it has not arrived, the earliest span stands in. */
  root: S;
  /** Whether `root` is parentless (false: the earliest span stands in). */
  rootArrived: boolean;
}

/** The bounds of one trace's spans; null for none. The one place the root rule lives (stores mirror it in their own terms). */
export function traceBoundsOf<S extends SpanOutline>(spans: readonly S[]): TraceBounds<S> | null {
  let root: S | undefined;
  let first: S | undefined;
  let end: Nanos | undefined;
  for (const span of spans) {
    if (span.parentSpanId === null && (!root || span.startTimeUnixNano < root.startTimeUnixNano)) root = span;
    if (!first || span.startTimeUnixNano < first.startTimeUnixNano) first = span;
    if (end === undefined || span.endTimeUnixNano > end) end = span.endTimeUnixNano;
  }
  if (!first || end === undefined) return null;
  return { startNanos: first.startTimeUnixNano, endNanos: end, root: root ?? first, rootArrived: root !== undefined };
}

/**
 * The trace's status from its bounds: the root's outcome, unknown while the root is missing, and
 * unknown to a reader for whom the root is another account's placeholder (its outcome is not shown).
 */
export function traceStatusOf(bounds: TraceBounds): TraceStatus {
  return bounds.rootArrived && !isHiddenServiceName(bounds.root.resource.serviceName) ? spanOutcome(bounds.root) : 'unknown';
}

/**
 * Summarises the spans of one trace. The root is the span without a parent; when it has
 * not arrived (yet), the earliest span stands in so the trace is still findable.
 */
export function summarizeTrace(spans: readonly SpanOutline[]): TraceSummary | null {
  const bounds = traceBoundsOf(spans);
  if (!bounds) return null;
  const services = new Set<string>();
  const accounts = new Set<string>();
  let errorSpanCount = 0;
  for (const span of spans) {
    services.add(span.resource.serviceName);
    accounts.add(span.account.id);
    if (spanOutcome(span) !== 'ok') errorSpanCount++;
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
    status: traceStatusOf(bounds),
    errorSpanCount,
  };
}
