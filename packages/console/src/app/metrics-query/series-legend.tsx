import { onLinkClick } from '../router.ts';
import type { ChartSeries } from './chart-model.ts';
import { seriesName } from './series-name.ts';
import type { SeriesStyle } from './series-style.ts';
import { formatValue, type ValueUnit } from './value-unit.ts';

/** A line per series: its colour, its labels and its greatest value, each a link to the series' traces. */
export function SeriesLegend({ series, styles, unit, highlighted, onHighlight, tracesUrl }: { series: readonly ChartSeries[]; styles: readonly SeriesStyle[]; unit: ValueUnit; highlighted: number | null; onHighlight: (index: number | null) => void; tracesUrl: (index: number) => string }) {
  return (
    <ul class="series-legend" aria-label="series" onMouseLeave={() => onHighlight(null)}>
      {series.map((one, i) => {
        const name = seriesName(one.labels);
        const values = one.points.map((point) => point.value).filter((value): value is number => value !== null);
        const { color, dash } = styles[i]!;
        return (
          <li key={name} class={highlighted === i ? 'highlighted' : ''}>
            <a href={tracesUrl(i)} title="List the traces of this series" data-series={name} onClick={(event) => onLinkClick(event, tracesUrl(i))} onMouseEnter={() => onHighlight(i)} onFocus={() => onHighlight(i)}>
              <svg class="swatch" width="18" height="8" aria-hidden="true">
                <line x1="1" x2="17" y1="4" y2="4" stroke={color} stroke-dasharray={dash} />
              </svg>
              <span class="name">{name}</span>
            </a>
            <span class="muted peak">{values.length === 0 ? 'no values' : `max ${formatValue(unit, Math.max(...values))}`}</span>
          </li>
        );
      })}
    </ul>
  );
}
