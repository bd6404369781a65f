import { useEffect } from 'preact/hooks';
import { normalizeTraceId } from '@stitch/model';
import type { TraceOutlineAnswerJson } from '@stitch/api';
import { navigate } from '../router.ts';
import { TraceView } from '../trace/trace-view.tsx';
import { TraceLogs } from '../logs/trace-logs.tsx';
import { useApi } from '../use-api.ts';

/**
 * `/trace/<id>[?span=<spanId>]`: one trace, loaded from central, with the span the URL names selected.
 * The X-Ray form of the id (`1-<8 hex>-<24 hex>`) opens the same trace, under its 32-hex address.
 */
export function TracePage({ traceId: asTyped, params }: { traceId?: string; params?: URLSearchParams }) {
  const canonical = asTyped ? normalizeTraceId(asTyped) : null;
  useEffect(() => {
    const query = params?.toString();
    if (canonical && canonical !== asTyped) navigate(`/trace/${canonical}${query ? `?${query}` : ''}`, { replace: true });
  }, [asTyped]);
  // A malformed id still goes to the API, whose 400 says what a trace id is.
  const traceId = canonical ?? asTyped;
  const loaded = useApi<TraceOutlineAnswerJson>(traceId ? `/api/traces/${encodeURIComponent(traceId)}/outline` : null);
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
