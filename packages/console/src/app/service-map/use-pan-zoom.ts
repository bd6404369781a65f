import { useCallback, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { Point } from './geometry.ts';
import { fitView, zoomAround, type ViewBox } from './view-box.ts';

/** How far (screen px) a press must move to be a drag rather than a click. */
const DRAG_THRESHOLD = 4;
/** Screen pixels kept free around a fitted map: the zoom buttons and the legend sit there. */
const FIT_MARGIN = 44;

interface Drag {
  pointerId: number;
  from: Point;
  start: ViewBox;
  /** Screen pixels per map unit when the drag began. */
  scale: number;
  moving: boolean;
}

/**
 * Drag to pan, wheel to zoom around the pointer, fit on load and on demand. A press that moves
 * becomes a drag only past a few pixels, and takes the pointer only then, so clicks on nodes
 * and edges still reach them; `consumeDrag` tells a click handler that a drag just ended.
 */
export function usePanZoom(content: { width: number; height: number }) {
  const svgRef = useRef<SVGSVGElement>(null);
  const [view, setView] = useState<ViewBox>(() => ({ x: 0, y: 0, width: content.width, height: content.height }));
  const drag = useRef<Drag | null>(null);
  const dragged = useRef(false);

  const screenSize = () => {
    const rect = svgRef.current?.getBoundingClientRect();
    return { width: rect?.width ?? 0, height: rect?.height ?? 0 };
  };
  /** The person zoomed or panned since the last fit: a refresh that changes the map's size keeps their view. */
  const moved = useRef(false);
  const fit = useCallback(() => {
    moved.current = false;
    setView(fitView(content, screenSize(), FIT_MARGIN));
  }, [content.width, content.height]);
  // Before the first paint, so the map never shows unfitted.
  useLayoutEffect(() => {
    if (!moved.current) fit();
  }, [fit]);

  const toMap = (clientX: number, clientY: number): Point | null => {
    const matrix = svgRef.current?.getScreenCTM();
    if (!matrix) return null;
    const point = new DOMPoint(clientX, clientY).matrixTransform(matrix.inverse());
    return { x: point.x, y: point.y };
  };

  const zoomBy = (factor: number, anchor?: Point) => {
    const { width } = screenSize();
    if (width === 0) return;
    moved.current = true;
    setView((current) => zoomAround(current, anchor ?? { x: current.x + current.width / 2, y: current.y + current.height / 2 }, factor, width));
  };

  const handlers = {
    onWheel(event: WheelEvent) {
      event.preventDefault();
      const anchor = toMap(event.clientX, event.clientY);
      if (anchor) zoomBy(Math.exp(event.deltaY * 0.0015), anchor);
    },
    onPointerDown(event: PointerEvent) {
      if (event.button !== 0) return;
      dragged.current = false;
      const matrix = svgRef.current?.getScreenCTM();
      drag.current = { pointerId: event.pointerId, from: { x: event.clientX, y: event.clientY }, start: view, scale: matrix?.a ?? 1, moving: false };
    },
    onPointerMove(event: PointerEvent) {
      const current = drag.current;
      if (!current || current.pointerId !== event.pointerId) return;
      const dx = event.clientX - current.from.x;
      const dy = event.clientY - current.from.y;
      if (!current.moving) {
        if (Math.hypot(dx, dy) < DRAG_THRESHOLD) return;
        current.moving = true;
        moved.current = true;
        svgRef.current?.setPointerCapture(event.pointerId);
      }
      setView({ ...current.start, x: current.start.x - dx / current.scale, y: current.start.y - dy / current.scale });
    },
    onPointerUp(event: PointerEvent) {
      const current = drag.current;
      if (!current || current.pointerId !== event.pointerId) return;
      dragged.current = current.moving;
      drag.current = null;
      // The click that ends the drag follows in this same task; after it, clicks count again.
      if (current.moving) setTimeout(() => (dragged.current = false), 0);
      if (svgRef.current?.hasPointerCapture(event.pointerId)) svgRef.current.releasePointerCapture(event.pointerId);
    },
    onPointerCancel() {
      drag.current = null;
    },
  };

  /** True for the click that ends a drag: that is not a click on what lies under it. */
  const consumeDrag = (): boolean => {
    const was = dragged.current;
    dragged.current = false;
    return was;
  };

  /** Screen pixels per map unit as drawn now (1 before the first layout). */
  const shownWidth = screenSize().width;
  const scale = shownWidth > 0 ? shownWidth / view.width : 1;

  return { svgRef, view, scale, handlers, fit, zoomBy, consumeDrag };
}
