import type { TraceAnswerJson } from '../api-types.ts';
import { TraceView } from '../trace/trace-view.tsx';
import { TraceLogs } from '../logs/trace-logs.tsx';
import { useApi } from '../use-api.ts';

/** `/trace/<id>[?span=<spanId>]`: one trace, loaded from central, with the span the URL names selected. */
export function TracePage({ traceId, params }: { traceId?: string; params?: URLSearchParams }) {
  const loaded = useApi<TraceAnswerJson>(traceId ? `/api/traces/${encodeURIComponent(traceId)}` : null);
  if (!traceId) return <p class="empty">No trace id in the address: open a trace from the search.</p>;
  if (loaded.state === 'loading') return <p class="empty trace-loading">Loading trace {traceId}…</p>;
  if (loaded.state === 'failed') {
    const { status, message } = loaded.error;
    return (
      <div class="trace-failed" data-status={status}>
        <h1>{status === 404 ? 'Trace not found' : 'The trace could not be loaded'}</h1>
        <p class="error">{message}</p>
      </div>
    );
  }
  return (
    <>
      <TraceView key={traceId} json={loaded.value} params={params ?? new URLSearchParams()} />
      <TraceLogs key={`logs-${traceId}`} traceId={traceId} />
    </>
  );
}
