import type { SeriesLabelJson } from '@stitch/api';
import type { ChartSeries } from './chart-model.ts';

/**
 * The series in the order a legend lists them: by their labels in turn, numbers by value (a
 * histogram's buckets from the shortest, `le=+Inf` last; `p=0.5` before `p=0.99`), text as central
 * orders it, the group without a value last. Central orders numbers as text (`le=100ms` before
 * `le=2ms`).
 */
export function inLegendOrder(series: readonly ChartSeries[]): ChartSeries[] {
  return [...series].sort((a, b) => {
    for (let i = 0; i < Math.max(a.labels.length, b.labels.length); i++) {
      const order = compareValues(a.labels[i]?.value, b.labels[i]?.value);
      if (order !== 0) return order;
    }
    return 0;
  });
}

function compareValues(a: SeriesLabelJson['value'] | undefined, b: SeriesLabelJson['value'] | undefined): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return 1;
  if (b === null || b === undefined) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const [x, y] = [`${typeof a}:${String(a)}`, `${typeof b}:${String(b)}`];
  return x < y ? -1 : x > y ? 1 : 0;
}
