import { useMemo } from 'preact/hooks';
import { normalizeTraceId } from '@stitch/model';
import type { MetricsQueryJson, TraceSearchJson } from '@stitch/api';
import { accountLabelOf } from '../known-accounts.ts';
import { PartialBanner } from '../components/partial-banner.tsx';
import { TimeRangePicker } from '../components/time-range-picker.tsx';
import { MetricsQueryView } from '../metrics-query/metrics-query-view.tsx';
import { drawnSeriesOf } from '../metrics-query/series-limit.ts';
import { navigate, urlOf } from '../router.ts';
import { DiagnosisPanel } from '../search/diagnosis-panel.tsx';
import { DurationHistogram } from '../search/duration-histogram.tsx';
import { FilterBox } from '../search/filter-box.tsx';
import { readQuery } from '../search/read-query.ts';
import { ResultsTable } from '../search/results-table.tsx';
import { serverProblemOf } from '../search/server-problem.ts';
import { timeWindowOf } from '../time-window.ts';
import { useApi } from '../use-api.ts';
import '../search/search.css';

const PAGE_PARAMS = ['q', 'account', 'range', 'start', 'end', 'minDuration', 'maxDuration', 'limit', 'diagnose', 'series'] as const;

/**
 * Trace search: the filter expression, the window, a duration range dragged on the histogram,
 * the matching traces, and on demand the diagnosis of what makes them slow; or, for a metrics
 * query (`{ status = error } | rate() by (resource.service.name)`), its series as a chart whose
 * lines list their traces. Everything is in the URL, so any search is a link.
 */
export function SearchPage({ params }: { params: URLSearchParams }) {
  const q = params.get('q') ?? '';
  const account = params.get('account');
  const minDuration = params.get('minDuration');
  const maxDuration = params.get('maxDuration');
  // A range ("the last hour") is turned into times when the URL changes, not at every render.
  const { window, query } = useMemo(() => {
    const window = timeWindowOf(params, Date.now(), '1h');
    const query = {
      q,
      account,
      start: window.start,
      end: window.end,
      minDuration: minDuration === null ? null : `${minDuration}ms`,
      maxDuration: maxDuration === null ? null : `${maxDuration}ms`,
      limit: params.get('limit') ?? 50,
    };
    return { window, query };
  }, [params.toString()]);
  const reading = useMemo(() => readQuery(q), [q]);
  const metricsQuery = reading.kind === 'metrics' ? reading.query : null;
  const drawn = drawnSeriesOf(params.get('series'));
  const search = useApi<TraceSearchJson>(metricsQuery ? null : '/api/traces', { ...query, histogram: 'true' });
  const chart = useApi<MetricsQueryJson>(metricsQuery ? '/api/metrics/query_range' : null, { q, start: query.start, end: query.end, limit: drawn });

  const go = (changes: Partial<Record<(typeof PAGE_PARAMS)[number], string | number | null>>) => {
    const next: Record<string, string | number | null> = {};
    for (const name of PAGE_PARAMS) next[name] = params.get(name);
    navigate(urlOf('/search', { ...next, ...changes }));
  };
  const answered = metricsQuery ? chart : search;
  const serverProblem = serverProblemOf(answered.state === 'failed' ? answered.error : null);

  return (
    <div class="search-page">
      <div class="toolbar">
        <FilterBox
          value={q}
          window={window}
          serverProblem={serverProblem}
          onSearch={(text) => {
            const traceId = normalizeTraceId(text);
            if (traceId) navigate(`/trace/${traceId}`);
            else go({ q: text, diagnose: null, series: null });
          }}
        />
      </div>
      <div class="toolbar">
        <TimeRangePicker window={window} onRange={(range) => go({ range, start: null, end: null })} />
        {account && !metricsQuery && (
          <span class="badge">
            account {accountLabelOf(account) ?? account}{' '}
            <a href="#" aria-label="any account" onClick={(event) => (event.preventDefault(), go({ account: null }))}>
              ×
            </a>
          </span>
        )}
        {(minDuration || maxDuration) && !metricsQuery && (
          <span class="badge" data-duration-filter>
            duration {minDuration ? `≥ ${minDuration} ms` : ''} {maxDuration ? `< ${maxDuration} ms` : ''}{' '}
            <a href="#" aria-label="any duration" onClick={(event) => (event.preventDefault(), go({ minDuration: null, maxDuration: null }))}>
              ×
            </a>
          </span>
        )}
        <span class="spacer" />
        {!metricsQuery && (
          <button class={params.get('diagnose') ? '' : 'ghost'} onClick={() => go({ diagnose: params.get('diagnose') ? null : '1' })}>
            {params.get('diagnose') ? 'Hide diagnosis' : 'Diagnose these traces'}
          </button>
        )}
      </div>
      {metricsQuery && <MetricsQueryView loaded={chart} query={metricsQuery} onDraw={(series) => go({ series })} />}
      {params.get('diagnose') && !metricsQuery && <DiagnosisPanel query={{ q: query.q, account: query.account, start: query.start, end: query.end }} />}
      {!metricsQuery && search.state === 'loading' && <p class="muted">Searching…</p>}
      {!metricsQuery && search.state === 'failed' && !serverProblem && <p class="error">{search.error.message}</p>}
      {!metricsQuery && search.state === 'loaded' && (
        <>
          <PartialBanner partial={search.value.partial} effect="Traces only they hold are not listed, and counts may be low." />
          <div class="card histogram-card">
            <div class="muted">
              {search.value.histogram?.total ?? search.value.traces.length} traces match · drag across the bars to keep a range of durations
            </div>
            {search.value.histogram && <DurationHistogram histogram={search.value.histogram} selected={{ fromMs: minDuration === null ? null : Number(minDuration), toMs: maxDuration === null ? null : Number(maxDuration) }} onSelect={(fromMs, toMs) => go({ minDuration: fromMs || null, maxDuration: toMs })} />}
          </div>
          <ResultsTable traces={search.value.traces} matched={search.value.histogram?.total ?? search.value.traces.length} />
        </>
      )}
    </div>
  );
}
