import { containedErrorsText, TRACE_STATUS_LABELS, TRACE_STATUS_MEANINGS, type TraceSummary } from '@stitch/model';

/**
 * A trace's status (what its caller saw, the root's outcome) and, apart, the spans that erred
 * inside it: "OK · contains 3 errors". The two never share a colour: a request that succeeded
 * after retries reads as a success with a note, not as a failure.
 */
export function TraceStatus({ summary }: { summary: Pick<TraceSummary, 'status' | 'errorSpanCount'> }) {
  const contained = containedErrorsText(summary);
  return (
    <span class="trace-status" data-status={summary.status} data-error-spans={summary.errorSpanCount}>
      <span class={`badge status-${summary.status}`} title={`What the caller saw: ${TRACE_STATUS_MEANINGS[summary.status]}`}>
        {TRACE_STATUS_LABELS[summary.status]}
      </span>
      {contained && (
        <span class="contains-errors" title="Spans inside the trace that returned an error or a fault (a retried call, a handled failure)">
          {contained}
        </span>
      )}
    </span>
  );
}
