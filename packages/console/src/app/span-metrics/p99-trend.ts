/** A step of a series: its start and its value (null: no requests in it). */
export interface TrendPoint {
  startMs: number;
  value: number | null;
}

export interface TrendGeometry {
  /** The time the chart's left edge stands for: the window's start, or the first step with data when that is later. */
  fromMs: number;
  toMs: number;
  /** The top of the value scale (the highest value, never 0). */
  topValue: number;
  /** The line, as runs of [x, y] (a step without requests breaks it). */
  runs: Array<Array<[number, number]>>;
}

/**
 * A series across `width` × `height` pixels: time across from the first step with data (the
 * window's part before it has none to show: a central started 5 minutes into a 1-hour window
 * would draw its line in the last 8 %), values up from 0 to the highest.
 */
export function trendGeometry(points: readonly TrendPoint[], window: { startMs: number; endMs: number }, width: number, height: number): TrendGeometry | null {
  const known = points.filter((point) => point.value !== null);
  if (known.length === 0) return null;
  const fromMs = Math.max(window.startMs, Math.min(...known.map((point) => point.startMs)));
  const toMs = Math.max(fromMs + 1, window.endMs);
  const topValue = Math.max(...known.map((point) => point.value!)) || 1;
  const x = (ms: number) => ((ms - fromMs) / (toMs - fromMs)) * width;
  const y = (value: number) => height - (value / topValue) * height;
  const runs: Array<Array<[number, number]>> = [];
  let run: Array<[number, number]> | null = null;
  for (const point of points) {
    if (point.startMs < fromMs) continue;
    if (point.value === null) {
      run = null;
      continue;
    }
    if (run === null) runs.push((run = []));
    run.push([x(point.startMs), y(point.value)]);
  }
  return { fromMs, toMs, topValue, runs };
}

/** The step under `x` pixels (the nearest with data), or null. */
export function pointAt(points: readonly TrendPoint[], geometry: TrendGeometry, width: number, x: number): TrendPoint | null {
  const ms = geometry.fromMs + (x / width) * (geometry.toMs - geometry.fromMs);
  let best: TrendPoint | null = null;
  for (const point of points) {
    if (point.value === null || point.startMs < geometry.fromMs) continue;
    if (best === null || Math.abs(point.startMs - ms) < Math.abs(best.startMs - ms)) best = point;
  }
  return best;
}
