import type { MetricsQueryJson } from '@stitch/api';
import { clockTicks } from './clock-ticks.ts';
import { valueAxis, type ValueUnit } from './value-unit.ts';

export type ChartSeries = MetricsQueryJson['series'][number];

/** Room around the plot for the value labels (left) and the clock (below). */
const MARGIN = { left: 64, right: 14, top: 10, bottom: 24 };

export interface ChartModel {
  width: number;
  height: number;
  /** The plot's edges, in the chart's pixels. */
  plot: { left: number; right: number; top: number; bottom: number };
  /** One SVG path per series, in their order: a run of lines between gaps, a lone point a dot. */
  paths: string[];
  yTicks: Array<{ y: number; text: string }>;
  xTicks: Array<{ x: number; text: string }>;
  window: { startMs: number; endMs: number };
}

/**
 * Series as lines over a window: time across (the page's window, whatever the points cover),
 * values up from zero in the query's unit. A step without a value (null) is a gap, not a zero.
 */
export function chartOf(series: readonly ChartSeries[], unit: ValueUnit, window: { startMs: number; endMs: number }, size: { width: number; height: number }, offsetMinutes: number): ChartModel {
  const plot = { left: MARGIN.left, right: size.width - MARGIN.right, top: MARGIN.top, bottom: size.height - MARGIN.bottom };
  const values = series.flatMap((one) => one.points.map((point) => point.value).filter((value): value is number => value !== null));
  const axis = valueAxis(unit, Math.min(0, ...values), Math.max(0, ...values), Math.max(2, Math.floor((plot.bottom - plot.top) / 40)));
  const x = (tMs: number) => xOf({ plot, window }, tMs);
  const y = (value: number) => plot.bottom - ((value - axis.low) / (axis.high - axis.low)) * (plot.bottom - plot.top);
  return {
    width: size.width,
    height: size.height,
    plot,
    paths: series.map((one) => pathOf(one.points.map((point) => (point.value === null ? null : [x(point.tMs), y(point.value)])))),
    yTicks: axis.ticks.map((tick) => ({ y: y(tick.value), text: tick.text })),
    xTicks: clockTicks(window.startMs, window.endMs, Math.max(2, Math.floor((plot.right - plot.left) / 90)), offsetMinutes).map((tick) => ({ x: x(tick.tMs), text: tick.text })),
    window,
  };
}

/** `M x,y L x,y …` per run of points; a point alone between gaps is `M x,y h0`, a dot under a round line cap. */
function pathOf(points: ReadonlyArray<readonly [number, number] | null>): string {
  const runs: string[] = [];
  let run: string[] = [];
  const close = () => {
    if (run.length === 1) runs.push(`${run[0]} h0`);
    else if (run.length > 1) runs.push(run.join(' '));
    run = [];
  };
  for (const point of points) {
    if (point === null) close();
    else run.push(`${run.length === 0 ? 'M' : 'L'}${point[0].toFixed(1)},${point[1].toFixed(1)}`);
  }
  close();
  return runs.join(' ');
}

/** Where a time falls across the plot, in the chart's pixels. */
export function xOf({ plot, window }: Pick<ChartModel, 'plot' | 'window'>, tMs: number): number {
  return plot.left + ((tMs - window.startMs) / Math.max(1, window.endMs - window.startMs)) * (plot.right - plot.left);
}

/** The time under a pixel of the plot. */
export function timeAt({ plot, window }: Pick<ChartModel, 'plot' | 'window'>, x: number): number {
  return window.startMs + ((x - plot.left) / (plot.right - plot.left)) * (window.endMs - window.startMs);
}
