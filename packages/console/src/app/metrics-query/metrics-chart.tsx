import { useMemo, useRef, useState } from 'preact/hooks';
import { onLinkClick } from '../router.ts';
import { chartOf, timeAt, xOf, type ChartSeries } from './chart-model.ts';
import { readoutAt } from './readout.ts';
import { seriesName } from './series-name.ts';
import type { SeriesStyle } from './series-style.ts';
import { useElementWidth } from './use-element-width.ts';
import type { ValueUnit } from './value-unit.ts';

const HEIGHT = 260;

export interface ChartProps {
  series: readonly ChartSeries[];
  styles: readonly SeriesStyle[];
  unit: ValueUnit;
  window: { startMs: number; endMs: number };
  /** The series pointed at (on the chart or in the legend): it stands out, the others dim. */
  highlighted: number | null;
  onHighlight: (index: number | null) => void;
  /** Where a series' traces are listed. */
  tracesUrl: (index: number) => string;
}

/**
 * The series as lines over the window, the value axis in the query's unit. Pointing shows every
 * series' value at that step; a line is a link to its traces, as its legend entry is.
 */
export function MetricsChart({ series, styles, unit, window, highlighted, onHighlight, tracesUrl }: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const width = useElementWidth(box, 900);
  const chart = useMemo(() => chartOf(series, unit, window, { width, height: HEIGHT }, new Date(window.startMs).getTimezoneOffset()), [series, unit, window.startMs, window.endMs, width]);
  const [pointedMs, setPointedMs] = useState<number | null>(null);
  const readout = pointedMs === null ? null : readoutAt(series, unit, pointedMs);
  const guideX = readout === null ? null : xOf(chart, readout.tMs);
  const { plot } = chart;

  return (
    <div class="metrics-chart" ref={box}>
      <svg
        width={chart.width}
        height={chart.height}
        role="figure"
        aria-label={`${series.length} series over the window`}
        onMouseMove={(event) => {
          const x = event.clientX - (event.currentTarget as SVGSVGElement).getBoundingClientRect().left;
          setPointedMs(x >= plot.left && x <= plot.right ? timeAt(chart, x) : null);
        }}
        onMouseLeave={() => {
          setPointedMs(null);
          onHighlight(null);
        }}
      >
        <g class="grid">
          {chart.yTicks.map((tick) => (
            <g key={tick.text}>
              <line x1={plot.left} x2={plot.right} y1={tick.y} y2={tick.y} />
              <text x={plot.left - 8} y={tick.y + 4} text-anchor="end">
                {tick.text}
              </text>
            </g>
          ))}
          {chart.xTicks.map((tick) => (
            <text key={tick.x} x={tick.x} y={plot.bottom + 17} text-anchor="middle">
              {tick.text}
            </text>
          ))}
        </g>
        {guideX !== null && <line class="guide" x1={guideX} x2={guideX} y1={plot.top} y2={plot.bottom} />}
        {chart.paths.map((path, i) => {
          const name = seriesName(series[i]!.labels);
          const { color, dash } = styles[i]!;
          return (
            <a key={name} href={tracesUrl(i)} aria-label={`traces of ${name}`} data-series={name} class={highlighted === null ? '' : highlighted === i ? 'highlighted' : 'dim'} onClick={(event) => onLinkClick(event, tracesUrl(i))} onMouseEnter={() => onHighlight(i)}>
              <path class="line" d={path} stroke={color} stroke-dasharray={dash} />
              <path class="hit" d={path} />
            </a>
          );
        })}
      </svg>
      {readout && guideX !== null && (
        <div class={`readout${guideX > chart.width / 2 ? ' left' : ''}`} style={{ left: `${guideX}px` }} aria-hidden="true">
          <div class="muted">{new Date(readout.tMs).toLocaleTimeString()}</div>
          {readout.rows.slice(0, 12).map((row) => (
            <div key={row.index} class={row.index === highlighted ? 'row highlighted' : 'row'}>
              <span class="swatch" style={{ background: styles[row.index]!.color }} />
              <span class="name">{row.name}</span>
              <span class="value">{row.text}</span>
            </div>
          ))}
        </div>
      )}
    </div>
  );
}
