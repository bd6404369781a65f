import type { LogsJson } from '@stitch/api';
import { useApi } from '../use-api.ts';
import { LogLines } from './log-lines.tsx';

/** The trace page's "Logs of this trace": every line its services logged, oldest first. */
export function TraceLogs({ traceId }: { traceId: string }) {
  const loaded = useApi<LogsJson>('/api/logs', { traceId });
  return (
    <section class="trace-logs" aria-labelledby="trace-logs-title">
      <h2 id="trace-logs-title" style={{ fontSize: '15px' }}>
        Logs of this trace
      </h2>
      {loaded.state === 'loading' && <p class="muted">Loading logs…</p>}
      {loaded.state === 'failed' && <p class="error">{loaded.error.message}</p>}
      {loaded.state === 'loaded' &&
        (loaded.value.logs.length === 0 ? <p class="empty">No log line carries this trace's id.</p> : <LogLines lines={loaded.value.logs} label="Logs of this trace" />)}
    </section>
  );
}
