import { DRAWN_SERIES } from './series-limit.ts';

/** Under a chart that central cut to the series with the most spans: how many are hidden, and a button to draw more (or all). */
export function SeriesLimitNote({ drawn, total, onDraw }: { drawn: number; total: number | null; onDraw: (series: number) => void }) {
  const more = total === null ? drawn + DRAWN_SERIES : Math.min(total, drawn + DRAWN_SERIES);
  return (
    <p class="series-limit" data-series-limit>
      Drawn: the {drawn} series with the most spans{total === null ? '; there are more.' : ` of ${total} (${total - drawn} hidden).`}
      <button class="ghost" onClick={() => onDraw(more)}>
        {more === total ? `Draw all ${more}` : `Draw ${more}`}
      </button>
    </p>
  );
}
