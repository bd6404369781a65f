import type { WaterfallSpan } from './waterfall-model.ts';

export type FlameSpan = Pick<WaterfallSpan, 'depth' | 'startOffsetNanos' | 'durationNanos'>;

/** The spans by depth, each depth's in order of start: what drawing and pointing at the flame graph read. */
export interface FlameLayout {
  /** Span indexes at each depth, by start. */
  levels: number[][];
  /** The latest end of any span, the time scale's width. */
  endNanos: number;
}

export function flameLayout(spans: readonly FlameSpan[]): FlameLayout {
  const levels: number[][] = [];
  let endNanos = 0;
  spans.forEach((span, index) => {
    (levels[span.depth] ??= []).push(index);
    endNanos = Math.max(endNanos, span.startOffsetNanos + span.durationNanos);
  });
  for (let depth = 0; depth < levels.length; depth++) {
    const level = (levels[depth] ??= []);
    level.sort((a, b) => spans[a]!.startOffsetNanos - spans[b]!.startOffsetNanos || a - b);
  }
  return { levels, endNanos };
}

/** The stretch of the trace shown, in nanoseconds from its start. */
export interface FlameWindow {
  fromNanos: number;
  toNanos: number;
}

/**
 * The span under a point: at `depth`, the one covering `atNanos` (the latest-starting, as drawn
 * last), or the nearest within `slopNanos` (a pixel's worth: a span narrower than a pixel is
 * drawn a pixel wide). -1 when none.
 */
export function spanAtPoint(spans: readonly FlameSpan[], layout: FlameLayout, depth: number, atNanos: number, slopNanos: number): number {
  const level = layout.levels[depth];
  if (!level || level.length === 0) return -1;
  // The last span starting at or before the point (plus the slop).
  let low = 0;
  let high = level.length - 1;
  let found = -1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    if (spans[level[middle]!]!.startOffsetNanos <= atNanos + slopNanos) {
      found = middle;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  // Siblings do not overlap much: a few back is enough to find one still running at the point.
  for (let i = found; i >= 0 && i > found - 64; i--) {
    const span = spans[level[i]!]!;
    if (span.startOffsetNanos + Math.max(span.durationNanos, slopNanos) >= atNanos - slopNanos) return level[i]!;
  }
  return -1;
}

/** The window zoomed by `factor` (< 1 closer) around `atNanos`, kept within the trace and at least 1 µs wide. */
export function zoomWindow(window: FlameWindow, atNanos: number, factor: number, endNanos: number): FlameWindow {
  const width = Math.min(endNanos, Math.max(1_000, (window.toNanos - window.fromNanos) * factor));
  const share = window.toNanos > window.fromNanos ? (atNanos - window.fromNanos) / (window.toNanos - window.fromNanos) : 0.5;
  const fromNanos = Math.min(Math.max(0, atNanos - share * width), Math.max(0, endNanos - width));
  return { fromNanos, toNanos: fromNanos + width };
}
