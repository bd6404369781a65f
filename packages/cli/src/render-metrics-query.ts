import type { MetricsQueryJson } from '@stitch/api';
import { formatDuration } from '@stitch/graph';
import type { MetricsQuery } from '@stitch/query';
import { table } from './render-span-metrics.ts';

const BARS = '▁▂▃▄▅▆▇█';

/** At most `width` points: consecutive ones averaged (a group without a value stays without). */
function narrowed(values: ReadonlyArray<number | null>, width: number): Array<number | null> {
  if (values.length <= width) return [...values];
  return Array.from({ length: width }, (_, i) => {
    const group = values.slice(Math.floor((i * values.length) / width), Math.floor(((i + 1) * values.length) / width)).filter((value): value is number => value !== null);
    return group.length === 0 ? null : group.reduce((a, b) => a + b, 0) / group.length;
  });
}

/** The points as a one-line chart at most `width` wide, scaled to the series' own range; a blank where a point has no value. */
export function sparkline(points: ReadonlyArray<number | null>, width = 48): string {
  const values = narrowed(points, width);
  const present = values.filter((value): value is number => value !== null);
  if (present.length === 0) return ' '.repeat(values.length);
  const low = Math.min(...present);
  const high = Math.max(...present);
  return values.map((value) => (value === null ? ' ' : BARS[high === low ? 0 : Math.round(((value - low) / (high - low)) * (BARS.length - 1))]!)).join('');
}

/** How a value of this query reads: durations for what is measured in nanoseconds, per second for a rate. */
function formatterOf(query: MetricsQuery): (value: number) => string {
  if (query.fn === 'rate') return (value) => `${value.toFixed(value >= 100 ? 0 : 2)}/s`;
  if (query.of?.kind === 'duration' && query.fn !== 'histogram_over_time') return (value) => formatDuration(BigInt(Math.round(value)));
  return (value) => (Number.isInteger(value) ? String(value) : value.toFixed(3));
}

/** One row per series: its labels, least, average, greatest and last value over the window, and its shape. */
export function renderMetricsQuery(answer: MetricsQueryJson, query: MetricsQuery): string {
  const { start, end, stepMs } = answer.query;
  const step = stepMs % 60_000 === 0 ? `${stepMs / 60_000}m` : `${stepMs / 1000}s`;
  const title = `${answer.query.q}\n${new Date(Number(start)).toISOString()} .. ${new Date(Number(end)).toISOString()}, steps of ${step}`;
  const stopped = answer.partial?.stoppedAt.length ? `\n(${answer.partial.stoppedAt.join('; ')})` : '';
  if (answer.series.length === 0) return `${title}\nno spans match in this window${stopped}`;
  const format = formatterOf(query);
  const keys = [...new Set(answer.series.flatMap((series) => series.labels.map((label) => label.key)))];
  const rows = answer.series.map((series) => {
    const values = series.points.map((point) => point.value);
    const present = values.filter((value): value is number => value !== null);
    const summary = present.length === 0 ? ['-', '-', '-'] : [format(Math.min(...present)), format(present.reduce((a, b) => a + b, 0) / present.length), format(Math.max(...present))];
    const last = values.at(-1);
    return [
      ...keys.map((key) => {
        const label = series.labels.find((found) => found.key === key);
        return label === undefined ? '' : label.value === null ? '(none)' : String(label.value);
      }),
      ...summary,
      last === null || last === undefined ? '-' : format(last),
      sparkline(values),
    ];
  });
  return `${title}\n${table([...keys.map((key) => key.toUpperCase()), 'MIN', 'AVG', 'MAX', 'LAST', 'OVER TIME'], rows, keys.length)}${stopped}`;
}
