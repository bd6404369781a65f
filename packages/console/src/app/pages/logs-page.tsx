import { useMemo, useState } from 'preact/hooks';
import type { LogsJson } from '@stitch/api';
import { TimeRangePicker } from '../components/time-range-picker.tsx';
import { LogLines } from '../logs/log-lines.tsx';
import { navigate, urlOf } from '../router.ts';
import { timeWindowOf } from '../time-window.ts';
import { useApi } from '../use-api.ts';

const LEVELS = ['', 'debug', 'info', 'warn', 'error', 'fatal'];

/**
 * `/logs?q=&range=&severity=&text=&service=`: log lines of a window; with a filter expression,
 * the lines of the matching traces (`duration > 2`: of requests slower than 2 s), each with its trace.
 */
export function LogsPage({ params }: { params: URLSearchParams }) {
  const window = useMemo(() => timeWindowOf(params, Date.now(), '1h'), [params.toString()]);
  const filters = { q: params.get('q') ?? '', severity: params.get('severity') ?? '', text: params.get('text') ?? '', service: params.get('service') ?? '' };
  const [draft, setDraft] = useState(filters);
  const loaded = useApi<LogsJson>('/api/logs', { ...filters, start: window.start, end: window.end, limit: 500 });
  const go = (next: Partial<typeof filters> & { range?: string | null }) =>
    navigate(urlOf('/logs', { ...filters, range: window.range, start: window.range ? null : window.start, end: window.range ? null : window.end, ...next }));
  return (
    <div class="logs-page">
      <form
        class="toolbar"
        role="search"
        aria-label="Log filter"
        onSubmit={(event) => {
          event.preventDefault();
          go(draft);
        }}
      >
        <input aria-label="Trace filter" placeholder="trace filter, e.g. duration > 2" value={draft.q} onInput={(e) => setDraft({ ...draft, q: (e.target as HTMLInputElement).value })} style={{ minWidth: '18em' }} />
        <select aria-label="Severity" value={draft.severity} onChange={(e) => setDraft({ ...draft, severity: (e.target as HTMLSelectElement).value })}>
          {LEVELS.map((level) => (
            <option key={level} value={level}>
              {level ? `${level} and worse` : 'any level'}
            </option>
          ))}
        </select>
        <input aria-label="Text" placeholder="message contains" value={draft.text} onInput={(e) => setDraft({ ...draft, text: (e.target as HTMLInputElement).value })} />
        <input aria-label="Service" placeholder="service" value={draft.service} onInput={(e) => setDraft({ ...draft, service: (e.target as HTMLInputElement).value })} />
        <button type="submit">Show logs</button>
        <TimeRangePicker window={window} onRange={(range) => go({ range })} />
      </form>
      {loaded.state === 'loading' && <p class="muted">Loading logs…</p>}
      {loaded.state === 'failed' && (
        <p class="error" role="alert">
          {loaded.error.message}
        </p>
      )}
      {loaded.state === 'loaded' && (
        <>
          {loaded.value.traces && (
            <p class="muted" data-joined-traces={loaded.value.traces.matched}>
              Lines of {loaded.value.traces.matched} matching traces{loaded.value.traces.complete ? '' : ' (the newest only: narrow the filter or the window for all)'}.
            </p>
          )}
          {loaded.value.logs.length === 0 ? <p class="empty">No log line matches.</p> : <LogLines lines={loaded.value.logs} label="Log lines" showTrace={filters.q !== ''} />}
        </>
      )}
    </div>
  );
}
