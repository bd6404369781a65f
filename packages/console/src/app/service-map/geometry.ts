// Plain 2-D geometry for the map's layout and drawing.

export interface Point {
  x: number;
  y: number;
}

/** A rectangle by its top-left corner. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export const boxCentre = (box: Box): Point => ({ x: box.x + box.width / 2, y: box.y + box.height / 2 });

/** Where the line from the box's centre toward `toward` crosses the box's border (the centre itself when they coincide). */
export function clipToBox(box: Box, toward: Point): Point {
  const centre = boxCentre(box);
  const dx = toward.x - centre.x;
  const dy = toward.y - centre.y;
  if (dx === 0 && dy === 0) return centre;
  // The smallest scale that reaches a vertical or a horizontal side.
  const scaleX = dx === 0 ? Infinity : box.width / 2 / Math.abs(dx);
  const scaleY = dy === 0 ? Infinity : box.height / 2 / Math.abs(dy);
  const scale = Math.min(scaleX, scaleY);
  return { x: centre.x + dx * scale, y: centre.y + dy * scale };
}

export function overlaps(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

export function encloses(outer: Box, inner: Box): boolean {
  return inner.x >= outer.x && inner.y >= outer.y && inner.x + inner.width <= outer.x + outer.width && inner.y + inner.height <= outer.y + outer.height;
}

/**
 * An SVG path through the points, its corners rounded: straight to the middle of each segment,
 * then a quadratic curve bent by the corner point. Dagre's bends then read as one smooth line.
 */
export function smoothPath(points: readonly Point[]): string {
  const first = points[0];
  const last = points[points.length - 1];
  if (!first || !last) return '';
  let path = `M${fmt(first)}`;
  for (let i = 1; i < points.length - 1; i++) {
    const corner = points[i]!;
    path += ` L${fmt(midpoint(points[i - 1]!, corner))} Q${fmt(corner)} ${fmt(midpoint(corner, points[i + 1]!))}`;
  }
  return points.length > 1 ? `${path} L${fmt(last)}` : path;
}

const midpoint = (a: Point, b: Point): Point => ({ x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 });
const fmt = (point: Point): string => `${round(point.x)},${round(point.y)}`;
const round = (value: number): number => Math.round(value * 10) / 10;
