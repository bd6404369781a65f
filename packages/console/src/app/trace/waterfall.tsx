import { useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { moveForKey, type WaterfallMove } from './keyboard-moves.ts';
import { TimeAxis, TimeGrid } from './time-axis.tsx';
import { rowPositionOf } from './visible-rows.ts';
import { rowWindow, scrollToReveal, timeTicks } from './waterfall-geometry.ts';
import type { SiblingFolds } from './sibling-folds.ts';
import type { WaterfallTrace } from './waterfall-model.ts';
import { WaterfallRow } from './waterfall-row.tsx';

/** Fixed, so a row's place is its position × the height and only the rows in view need to exist. */
export const ROW_HEIGHT = 24;
/** Rows rendered beyond each edge of the view, so a quick scroll does not show blank space. */
const OVERSCAN = 10;
const MAX_TICKS = 8;

export interface WaterfallProps {
  trace: WaterfallTrace;
  /** The shown spans, in tree order. */
  rows: readonly number[];
  collapsed: ReadonlySet<number>;
  /** Repeated siblings, and whether a span leads a group folded or unfolded. */
  folds: SiblingFolds;
  foldOf(index: number): 'folded' | 'unfolded' | null;
  /** Spans a find matched: marked. */
  matches: ReadonlySet<number>;
  selected: number | null;
  onSelect(index: number): void;
  onToggle(index: number): void;
  onToggleFold(leader: number): void;
  onMove(move: WaterfallMove): void;
  /** The name column dragged to `px` (null: back to the stylesheet's); `done` once the drag ends. */
  onNameColumn(px: number | null, done: boolean): void;
}

/** The virtualised span tree on the trace's time scale: the scroll area is as tall as every row, only those in view are in the DOM. */
export function Waterfall({ trace, rows, collapsed, folds, foldOf, matches, selected, onSelect, onToggle, onToggleFold, onMove, onNameColumn }: WaterfallProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  // The window's height until the scroller is measured: the first render already fills the view.
  const [viewportHeight, setViewportHeight] = useState(() => window.innerHeight);
  const revealed = useRef(false);
  const ticks = useMemo(() => timeTicks(trace.durationNanos, MAX_TICKS), [trace]);

  useLayoutEffect(() => {
    const element = scroller.current!;
    setViewportHeight(element.clientHeight);
    const observer = new ResizeObserver(() => setViewportHeight(element.clientHeight));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  // The selection stays in view: after keys, parent/children jumps, collapsing; a deep link's first view centres it.
  const selectedPosition = selected === null ? -1 : rowPositionOf(rows, selected);
  useLayoutEffect(() => {
    const element = scroller.current!;
    if (element.clientHeight === 0) return;
    const firstView = !revealed.current;
    revealed.current = true;
    if (selectedPosition < 0) return;
    const next = scrollToReveal({ position: selectedPosition, rowHeight: ROW_HEIGHT, scrollTop: element.scrollTop, viewportHeight: element.clientHeight, center: firstView });
    if (next === null) return;
    element.scrollTop = next;
    setScrollTop(element.scrollTop);
  }, [selectedPosition, rows, viewportHeight]);

  const { first, end } = rowWindow({ scrollTop, viewportHeight, rowHeight: ROW_HEIGHT, rowCount: rows.length, overscan: OVERSCAN });
  const rendered = [];
  for (let position = first; position < end; position++) {
    const index = rows[position]!;
    const span = trace.spans[index]!;
    const previous = position > 0 ? trace.spans[rows[position - 1]!]! : null;
    const next = position + 1 < rows.length ? trace.spans[rows[position + 1]!]! : null;
    const fold = foldOf(index);
    rendered.push(
      <WaterfallRow
        key={index}
        span={span}
        top={position * ROW_HEIGHT}
        traceNanos={trace.durationNanos}
        criticalPathNanos={trace.criticalPathNanos}
        selected={index === selected}
        collapsed={collapsed.has(index)}
        matched={matches.has(index)}
        fold={fold === null ? null : { group: folds.byLeader.get(index)!, folded: fold === 'folded' }}
        bandStart={previous === null || previous.accountId !== span.accountId}
        bandEnd={next === null || next.accountId !== span.accountId}
      />,
    );
  }

  const onClick = (event: MouseEvent) => {
    const target = event.target as Element;
    const row = target.closest<HTMLElement>('[data-index]');
    if (!row) return;
    const index = Number(row.dataset.index);
    const toggle = target.closest<HTMLElement>('[data-toggle]');
    if (toggle?.dataset.toggle === 'fold') onToggleFold(index);
    else if (toggle) onToggle(index);
    else onSelect(index);
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const move = moveForKey(event.key, { spans: trace.spans, rows, collapsed, selected, fold: foldOf });
    if (!move) return;
    event.preventDefault();
    onMove(move);
  };

  return (
    <>
      <TimeAxis ticks={ticks} traceNanos={trace.durationNanos} onNameColumn={onNameColumn} />
      <div
        ref={scroller}
        class="waterfall-scroll"
        tabIndex={0}
        role="tree"
        aria-label="Spans of the trace"
        aria-activedescendant={selected !== null && selectedPosition >= first && selectedPosition < end ? `wf-row-${selected}` : undefined}
        onScroll={(event) => setScrollTop(event.currentTarget.scrollTop)}
        onClick={onClick}
        onKeyDown={onKeyDown}
      >
        <div class="waterfall-canvas" style={`height:${rows.length * ROW_HEIGHT}px`}>
          <TimeGrid ticks={ticks} traceNanos={trace.durationNanos} />
          {rendered}
        </div>
      </div>
    </>
  );
}
