import type { ChartSeries } from './chart-model.ts';
import { seriesName } from './series-name.ts';
import { formatValue, type ValueUnit } from './value-unit.ts';

export interface Readout {
  /** The step read: the one starting nearest the time pointed at. */
  tMs: number;
  /** Each series' value there, greatest first; the series' index in the chart's order. */
  rows: Array<{ index: number; name: string; text: string }>;
}

/** What the series hold at the step nearest `tMs`, as the chart's hover box lists it (`–` where a step has no value). */
export function readoutAt(series: readonly ChartSeries[], unit: ValueUnit, tMs: number): Readout | null {
  const steps = series[0]?.points ?? [];
  if (steps.length === 0) return null;
  let nearest = 0;
  steps.forEach((point, i) => {
    if (Math.abs(point.tMs - tMs) < Math.abs(steps[nearest]!.tMs - tMs)) nearest = i;
  });
  const rows = series.map((one, index) => ({ index, name: seriesName(one.labels), value: one.points[nearest]?.value ?? null }));
  rows.sort((a, b) => Number(a.value === null) - Number(b.value === null) || (b.value ?? 0) - (a.value ?? 0));
  return { tMs: steps[nearest]!.tMs, rows: rows.map(({ index, name, value }) => ({ index, name, text: value === null ? '–' : formatValue(unit, value) })) };
}
