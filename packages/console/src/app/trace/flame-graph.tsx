import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { accountColor } from '../account-colors.ts';
import { flameLayout, spanAtPoint, zoomWindow, type FlameWindow } from './flame-layout.ts';
import { formatNanos } from './span-facts.ts';
import { timeTicks } from './waterfall-geometry.ts';
import type { WaterfallTrace } from './waterfall-model.ts';

const ROW_PX = 20;
const MAX_TICKS = 8;
/** Names are written in a span wider than this. */
const LABEL_MIN_PX = 36;

export interface FlameGraphProps {
  trace: WaterfallTrace;
  selected: number | null;
  matches: ReadonlySet<number>;
  onSelect(index: number): void;
}

/**
 * The trace as a flame graph: time across, depth down, every span a block in its account's
 * colour, drawn on a canvas so that 100,000 spans stay quick. The wheel zooms around the pointer,
 * a drag pans, a double-click zooms to a span, a click selects it (as in the waterfall).
 */
export function FlameGraph({ trace, selected, matches, onSelect }: FlameGraphProps) {
  const layout = useMemo(() => flameLayout(trace.spans), [trace]);
  const whole = (): FlameWindow => ({ fromNanos: 0, toNanos: Math.max(1, layout.endNanos) });
  const [view, setView] = useState<FlameWindow>(whole);
  const [width, setWidth] = useState(0);
  const [hover, setHover] = useState<{ index: number; x: number; y: number } | null>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const dragged = useRef(false);
  const height = layout.levels.length * ROW_PX;
  const nanosPerPx = (view.toNanos - view.fromNanos) / Math.max(1, width);

  useLayoutEffect(() => {
    const element = canvas.current!.parentElement!;
    setWidth(element.clientWidth);
    const observer = new ResizeObserver(() => setWidth(element.clientWidth));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  useLayoutEffect(() => {
    if (width > 0) draw(canvas.current!, trace, layout, view, width, selected, matches);
  }, [trace, layout, view, width, selected, matches]);

  // The wheel zooms: listened to directly, as a passive listener could not keep the page from scrolling.
  useEffect(() => {
    const element = canvas.current!;
    const onWheel = (event: WheelEvent) => {
      if (event.deltaY === 0) return;
      event.preventDefault();
      const at = view.fromNanos + event.offsetX * nanosPerPx;
      setView(zoomWindow(view, at, event.deltaY < 0 ? 0.8 : 1.25, layout.endNanos));
    };
    element.addEventListener('wheel', onWheel, { passive: false });
    return () => element.removeEventListener('wheel', onWheel);
  }, [view, nanosPerPx, layout]);

  const spanAt = (event: MouseEvent) => spanAtPoint(trace.spans, layout, Math.floor(event.offsetY / ROW_PX), view.fromNanos + event.offsetX * nanosPerPx, nanosPerPx);
  const onPointerDown = (event: PointerEvent) => {
    const element = event.currentTarget as HTMLCanvasElement;
    const startX = event.clientX;
    const startView = view;
    dragged.current = false;
    element.setPointerCapture(event.pointerId);
    const onMove = (move: PointerEvent) => {
      const shift = (startX - move.clientX) * nanosPerPx;
      if (Math.abs(move.clientX - startX) > 3) dragged.current = true;
      if (!dragged.current) return;
      const span = startView.toNanos - startView.fromNanos;
      const fromNanos = Math.min(Math.max(0, startView.fromNanos + shift), Math.max(0, layout.endNanos - span));
      setView({ fromNanos, toNanos: fromNanos + span });
    };
    const onUp = () => {
      element.removeEventListener('pointermove', onMove);
      element.removeEventListener('pointerup', onUp);
    };
    element.addEventListener('pointermove', onMove);
    element.addEventListener('pointerup', onUp);
  };
  const onClick = (event: MouseEvent) => {
    if (dragged.current) return;
    const index = spanAt(event);
    if (index >= 0) onSelect(index);
  };
  const onDblClick = (event: MouseEvent) => {
    const index = spanAt(event);
    if (index < 0) return;
    const span = trace.spans[index]!;
    const margin = Math.max(500, span.durationNanos * 0.05);
    setView({ fromNanos: Math.max(0, span.startOffsetNanos - margin), toNanos: Math.min(layout.endNanos, span.startOffsetNanos + span.durationNanos + margin) });
  };
  const onMouseMove = (event: MouseEvent) => {
    const index = spanAt(event);
    setHover(index < 0 ? null : { index, x: event.offsetX, y: event.offsetY });
  };

  const zoomed = view.fromNanos > 0 || view.toNanos < layout.endNanos;
  const ticks = timeTicks(view.toNanos - view.fromNanos, MAX_TICKS);
  const hovered = hover === null ? null : trace.spans[hover.index]!;
  return (
    <div class="flame-graph">
      <div class="flame-axis" aria-hidden="true">
        {ticks.map((tick) => (
          <span key={tick} class="time-tick" style={`left:${(tick / (view.toNanos - view.fromNanos)) * 100}%`}>
            {formatNanos(view.fromNanos + tick)}
          </span>
        ))}
        {zoomed && (
          <button class="ghost flame-reset" onClick={() => setView(whole())}>
            Whole trace
          </button>
        )}
      </div>
      <div class="flame-scroll">
        <canvas
          ref={canvas}
          role="img"
          aria-label={`Flame graph of ${trace.spans.length} spans: time across, depth down. Wheel to zoom, drag to pan, double-click to zoom to a span, click to select it.`}
          style={`height:${height}px`}
          onPointerDown={onPointerDown}
          onClick={onClick}
          onDblClick={onDblClick}
          onMouseMove={onMouseMove}
          onMouseLeave={() => setHover(null)}
        />
        {hovered && hover && (
          <div class="flame-tip" style={`left:${Math.min(hover.x + 12, Math.max(0, width - 280))}px;top:${hover.y + 14}px`}>
            <strong>{hovered.hidden ? 'Hidden span' : `${hovered.serviceName} › ${hovered.name}`}</strong>
            <span>
              {formatNanos(hovered.durationNanos)}, self {formatNanos(hovered.selfTimeNanos)}
              {hovered.error ? ', error' : ''}
            </span>
          </div>
        )}
      </div>
    </div>
  );
}

function draw(canvas: HTMLCanvasElement, trace: WaterfallTrace, layout: ReturnType<typeof flameLayout>, view: FlameWindow, width: number, selected: number | null, matches: ReadonlySet<number>): void {
  const ratio = window.devicePixelRatio || 1;
  const height = layout.levels.length * ROW_PX;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  canvas.style.width = `${width}px`;
  const context = canvas.getContext('2d')!;
  context.setTransform(ratio, 0, 0, ratio, 0, 0);
  context.clearRect(0, 0, width, height);
  const style = getComputedStyle(canvas);
  const colors = new Map<string, { fill: string; text: string }>();
  const colorOf = (accountId: string) => {
    let color = colors.get(accountId);
    if (!color) {
      const fill = resolved(style, accountColor(accountId));
      colors.set(accountId, (color = { fill, text: isLight(fill) ? '#111' : '#fff' }));
    }
    return color;
  };
  const hiddenFill = resolved(style, 'var(--muted)');
  const errorMark = resolved(style, 'var(--red)');
  const outline = resolved(style, 'var(--text)');
  const accent = resolved(style, 'var(--accent)');
  const critical = resolved(style, 'var(--critical)');
  const scale = width / (view.toNanos - view.fromNanos);
  context.font = '11.5px system-ui, sans-serif';
  context.textBaseline = 'middle';
  layout.levels.forEach((level, depth) => {
    const y = depth * ROW_PX;
    for (const index of level) {
      const span = trace.spans[index]!;
      const x = (span.startOffsetNanos - view.fromNanos) * scale;
      if (x > width) break;
      const w = Math.max(1, span.durationNanos * scale);
      if (x + w < 0) continue;
      const color = colorOf(span.accountId);
      context.fillStyle = span.hidden ? hiddenFill : color.fill;
      context.fillRect(x, y + 1, w > 3 ? w - 1 : w, ROW_PX - 2);
      if (span.error) {
        context.fillStyle = errorMark;
        context.fillRect(x, y + 1, w > 3 ? w - 1 : w, 3);
      }
      // Its stretches of the critical path, along its bottom (as the waterfall draws them).
      if (span.critical) {
        context.fillStyle = critical;
        for (const [from, to] of span.criticalRanges) context.fillRect((from - view.fromNanos) * scale, y + ROW_PX - 4, Math.max(1, (to - from) * scale), 3);
      }
      if (matches.has(index)) {
        context.strokeStyle = accent;
        context.lineWidth = 1.5;
        context.strokeRect(x + 0.75, y + 1.75, Math.max(1, (w > 3 ? w - 1 : w) - 1.5), ROW_PX - 3.5);
      }
      if (w >= LABEL_MIN_PX && !span.hidden) {
        const left = Math.max(x, 0) + 4;
        const room = Math.min(x + w, width) - left - 4;
        if (room > 12) {
          context.fillStyle = color.text;
          context.fillText(fitted(context, `${span.serviceName} › ${span.name}`, room), left, y + ROW_PX / 2 + 0.5);
        }
      }
    }
  });
  if (selected !== null) {
    const span = trace.spans[selected]!;
    const x = (span.startOffsetNanos - view.fromNanos) * scale;
    context.strokeStyle = outline;
    context.lineWidth = 2;
    context.strokeRect(x - 1, span.depth * ROW_PX, Math.max(1, span.durationNanos * scale) + 1, ROW_PX);
  }
}

/** A CSS colour as the page resolves it (`var(--x)` read from the element's style). */
function resolved(style: CSSStyleDeclaration, color: string): string {
  const variable = /^var\((--[\w-]+)\)$/.exec(color);
  return variable ? style.getPropertyValue(variable[1]!).trim() || '#888' : color;
}

/** Whether dark text reads better on the colour (#rrggbb; anything else counts as dark). */
function isLight(color: string): boolean {
  const hex = /^#([0-9a-f]{6})$/i.exec(color);
  if (!hex) return false;
  const value = Number.parseInt(hex[1]!, 16);
  const luminance = 0.2126 * ((value >> 16) & 255) + 0.7152 * ((value >> 8) & 255) + 0.0722 * (value & 255);
  return luminance > 150;
}

/** The text cut with an ellipsis to fit `room` pixels. */
function fitted(context: CanvasRenderingContext2D, text: string, room: number): string {
  if (context.measureText(text).width <= room) return text;
  // Roughly right first (a character is about 6 px), then exact.
  let length = Math.max(0, Math.min(text.length - 1, Math.floor(room / 6)));
  while (length > 0 && context.measureText(`${text.slice(0, length)}…`).width > room) length--;
  return length === 0 ? '' : `${text.slice(0, length)}…`;
}
