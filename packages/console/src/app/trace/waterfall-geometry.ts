import { niceStep } from '../nice-step.ts';

/** Where a bar sits on the trace's time scale, in percent of the lane. */
export interface BarGeometry {
  leftPercent: number;
  widthPercent: number;
  /** The duration label: after the bar when there is room, else before it, else inside a bar that fills the lane. */
  label: 'after' | 'before' | 'inside';
}

/** Room a duration label needs beside its bar, in percent of the lane (a lane is some 500–900 px wide). */
const LABEL_ROOM_PERCENT = 12;

export function barGeometry(startOffsetNanos: number, durationNanos: number, traceNanos: number): BarGeometry {
  if (traceNanos <= 0) return { leftPercent: 0, widthPercent: 100, label: 'inside' };
  const leftPercent = clampPercent((startOffsetNanos / traceNanos) * 100);
  const widthPercent = Math.min(100 - leftPercent, clampPercent((durationNanos / traceNanos) * 100));
  const label = leftPercent + widthPercent <= 100 - LABEL_ROOM_PERCENT ? 'after' : leftPercent >= LABEL_ROOM_PERCENT ? 'before' : 'inside';
  return { leftPercent, widthPercent, label };
}

/** A stretch [from, to) of trace time inside a bar, in percent of the bar (critical-path overlays are drawn in the bar). */
export function rangeInBar(range: readonly [number, number], startOffsetNanos: number, durationNanos: number): { leftPercent: number; widthPercent: number } {
  if (durationNanos <= 0) return { leftPercent: 0, widthPercent: 100 };
  const from = clampPercent(((range[0] - startOffsetNanos) / durationNanos) * 100);
  const to = clampPercent(((range[1] - startOffsetNanos) / durationNanos) * 100);
  return { leftPercent: from, widthPercent: Math.max(0, to - from) };
}

/** Finer than this share of the trace, gaps between critical stretches are below a pixel on any lane. */
const OVERLAY_RESOLUTION = 1 / 2000;

/**
 * A span's critical stretches as overlays in its bar, those closer than a pixel merged: a parent
 * on the path between hundreds of children would otherwise draw hundreds of slivers per row.
 */
export function criticalOverlays(ranges: ReadonlyArray<readonly [number, number]>, startOffsetNanos: number, durationNanos: number, traceNanos: number): Array<{ leftPercent: number; widthPercent: number }> {
  const gap = traceNanos * OVERLAY_RESOLUTION;
  const merged: Array<[number, number]> = [];
  for (const [from, to] of ranges) {
    const last = merged[merged.length - 1];
    if (last && from - last[1] <= gap) last[1] = Math.max(last[1], to);
    else merged.push([from, to]);
  }
  return merged.map((range) => rangeInBar(range, startOffsetNanos, durationNanos));
}

const clampPercent = (value: number): number => (Number.isFinite(value) ? Math.min(100, Math.max(0, value)) : 0);

/** The rows to render: those in the viewport and `overscan` more on each side, as [first, end). */
export function rowWindow(options: { scrollTop: number; viewportHeight: number; rowHeight: number; rowCount: number; overscan: number }): { first: number; end: number } {
  const { scrollTop, viewportHeight, rowHeight, rowCount, overscan } = options;
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const end = Math.min(rowCount, Math.ceil((scrollTop + viewportHeight) / rowHeight) + overscan);
  return { first, end: Math.max(first, end) };
}

/**
 * The scroll position that brings row `position` fully into view, moving as little as possible;
 * null when it already is. `center` puts it mid-viewport instead (a deep link's first view).
 */
export function scrollToReveal(options: { position: number; rowHeight: number; scrollTop: number; viewportHeight: number; center?: boolean }): number | null {
  const { position, rowHeight, scrollTop, viewportHeight, center = false } = options;
  const top = position * rowHeight;
  const bottom = top + rowHeight;
  if (center) return Math.max(0, Math.round(top - (viewportHeight - rowHeight) / 2));
  if (top < scrollTop) return top;
  if (bottom > scrollTop + viewportHeight) return Math.max(0, bottom - viewportHeight);
  return null;
}

/** Tick offsets (nanoseconds from the start) for a time axis: a 1-2-5 step giving at most `maxTicks` intervals. */
export function timeTicks(traceNanos: number, maxTicks: number): number[] {
  if (!(traceNanos > 0) || maxTicks < 1) return [0];
  const step = niceStep(traceNanos / maxTicks);
  const ticks: number[] = [];
  for (let tick = 0; tick <= traceNanos + step * 1e-9; tick += step) ticks.push(Math.round(tick));
  return ticks;
}
