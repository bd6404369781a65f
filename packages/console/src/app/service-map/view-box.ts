import type { Point } from './geometry.ts';

// Pan and zoom as an SVG viewBox: the part of the map in view, in the map's own units.

export interface ViewBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Zoom limits, as screen pixels per map unit. */
const MIN_SCALE = 0.05;
const MAX_SCALE = 4;

/**
 * The whole map, centred in a screen of `screen` pixels with `margin` pixels free on every side
 * (for the controls and the legend over it), never enlarged past its natural size: a small map
 * stays at 1:1 rather than filling the screen with huge boxes.
 */
export function fitView(content: { width: number; height: number }, screen: { width: number; height: number }, margin = 0): ViewBox {
  if (screen.width <= 0 || screen.height <= 0) return { x: 0, y: 0, width: content.width, height: content.height };
  const room = { width: Math.max(1, screen.width - 2 * margin), height: Math.max(1, screen.height - 2 * margin) };
  const scale = Math.max(MIN_SCALE, Math.min(1, room.width / Math.max(1, content.width), room.height / Math.max(1, content.height)));
  const width = screen.width / scale;
  const height = screen.height / scale;
  return { x: (content.width - width) / 2, y: (content.height - height) / 2, width, height };
}

/** Zoom by `factor` (> 1 zooms out) keeping the map point under `anchor` where it is on screen. */
export function zoomAround(view: ViewBox, anchor: Point, factor: number, screenWidth: number): ViewBox {
  const scale = screenWidth / view.width / factor;
  const bounded = Math.max(MIN_SCALE, Math.min(MAX_SCALE, scale));
  const applied = screenWidth / bounded / view.width;
  return {
    x: anchor.x - (anchor.x - view.x) * applied,
    y: anchor.y - (anchor.y - view.y) * applied,
    width: view.width * applied,
    height: view.height * applied,
  };
}

export const viewBoxText = (view: ViewBox): string => [view.x, view.y, view.width, view.height].map((value) => Math.round(value * 100) / 100).join(' ');
