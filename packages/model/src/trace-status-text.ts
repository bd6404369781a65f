import type { TraceStatus, TraceSummary } from './trace-summary.ts';

/** A trace's status as people read it (CLI, console): what the caller saw, in capitals. */
export const TRACE_STATUS_LABELS: Record<TraceStatus, string> = { ok: 'OK', error: 'ERROR', fault: 'FAULT', unknown: 'UNKNOWN' };

/** What each status means, for a tooltip or a legend. */
export const TRACE_STATUS_MEANINGS: Record<TraceStatus, string> = {
  ok: 'the caller got an answer that was neither a 4xx nor a 5xx',
  error: 'the caller got a 4xx',
  fault: 'the caller got a 5xx or an error',
  unknown: 'the root span has not arrived (yet): what the caller saw is not known',
};

/** "contains 3 errors": spans that erred or faulted, the root included; null when there is nothing to add to the status. */
export function containedErrorsText(summary: Pick<TraceSummary, 'status' | 'errorSpanCount'>): string | null {
  const count = summary.errorSpanCount;
  // A failing root that is the only failing span says all with its status.
  if (count === 0 || (count === 1 && (summary.status === 'error' || summary.status === 'fault'))) return null;
  return `contains ${count} ${count === 1 ? 'error' : 'errors'}`;
}

/** The status and what the trace contains, distinctly: "OK · contains 3 errors", "FAULT", "UNKNOWN · contains 1 error". */
export function traceStatusText(summary: Pick<TraceSummary, 'status' | 'errorSpanCount'>): string {
  const contained = containedErrorsText(summary);
  return contained === null ? TRACE_STATUS_LABELS[summary.status] : `${TRACE_STATUS_LABELS[summary.status]} · ${contained}`;
}
