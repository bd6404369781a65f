import { useMemo, useState } from 'preact/hooks';
import type { MetricsQueryJson } from '@stitch/api';
import type { MetricsQuery } from '@stitch/query';
import { PartialBanner } from '../components/partial-banner.tsx';
import { urlOf } from '../router.ts';
import { serverProblemOf } from '../search/server-problem.ts';
import type { Loaded } from '../use-api.ts';
import { stepText } from './clock-ticks.ts';
import { drillDownFilter } from './drill-down.ts';
import { MetricsChart } from './metrics-chart.tsx';
import { SeriesLegend } from './series-legend.tsx';
import { seriesLeftOut } from './series-limit.ts';
import { SeriesLimitNote } from './series-limit-note.tsx';
import { inLegendOrder } from './series-order.ts';
import { seriesStyles } from './series-style.ts';
import { unitOf } from './value-unit.ts';
import './metrics-query.css';

/**
 * A metrics query's answer on the traces page: its series as a chart with a legend, each series a
 * link to its traces in the same window. A mistake in the query is the filter box's to show.
 */
export function MetricsQueryView({ loaded, query, onDraw }: { loaded: Loaded<MetricsQueryJson>; query: MetricsQuery; onDraw: (series: number) => void }) {
  const [highlighted, setHighlighted] = useState<number | null>(null);
  const answer = loaded.state === 'loaded' ? loaded.value : null;
  const window = useMemo(() => answer && { startMs: Number(answer.query.start), endMs: Number(answer.query.end) }, [answer]);
  const series = useMemo(() => inLegendOrder(answer?.series ?? []), [answer]);
  const styles = useMemo(() => seriesStyles(series), [series]);
  if (loaded.state === 'loading') return <p class="muted">Running the query…</p>;
  if (loaded.state === 'failed') return serverProblemOf(loaded.error) ? null : <p class="error">{loaded.error.message}</p>;
  if (answer === null || window === null) return null;

  const unit = unitOf(query);
  const leftOut = seriesLeftOut(answer.partial);
  const partial = answer.partial && { ...answer.partial, stoppedAt: leftOut.otherNotes };
  const tracesUrl = (i: number) => urlOf('/search', { q: drillDownFilter(query, series[i]!.labels), start: answer.query.start, end: answer.query.end });
  return (
    <>
      <PartialBanner partial={partial} effect="Spans only they hold are not counted." />
      {series.length === 0 ? (
        <p class="empty">No spans match this query in this window.</p>
      ) : (
        <div class="card metrics-query" data-metrics-chart>
          <div class="muted caption">
            {series.length} series · a point every {stepText(answer.query.stepMs)} · click a line or a name to list its traces
          </div>
          <MetricsChart series={series} styles={styles} unit={unit} window={window} highlighted={highlighted} onHighlight={setHighlighted} tracesUrl={tracesUrl} />
          <SeriesLegend series={series} styles={styles} unit={unit} highlighted={highlighted} onHighlight={setHighlighted} tracesUrl={tracesUrl} />
          {leftOut.limited && <SeriesLimitNote drawn={series.length} total={leftOut.total} onDraw={onDraw} />}
        </div>
      )}
    </>
  );
}
