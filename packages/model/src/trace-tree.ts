import { spanDuration, type Span, type SpanOutline } from './span.ts';
import { nanos, type Nanos } from './units.ts';

export interface TreeSpan<S extends SpanOutline = Span> {
  span: S;
  depth: number;
  /** Time in this span not covered by any child (children clipped to the span, overlaps merged). */
  selfTimeNanos: Nanos;
  childSpanIds: string[];
  /** True when the span names a parent that is not in the trace (dropped, not yet arrived, or in an unlinked account). */
  orphan: boolean;
}

export interface TraceTree<S extends SpanOutline = Span> {
  /** Depth-first order: each span directly followed by its subtree, siblings by start time. */
  spans: Array<TreeSpan<S>>;
  roots: string[];
}

const byStart = (a: SpanOutline, b: SpanOutline): number =>
  a.startTimeUnixNano < b.startTimeUnixNano ? -1 : a.startTimeUnixNano > b.startTimeUnixNano ? 1 : a.spanId.localeCompare(b.spanId);

/** Builds the tree of one trace. Never throws: missing parents become extra roots, duplicates keep the first copy. */
export function buildTraceTree<S extends SpanOutline>(input: readonly S[]): TraceTree<S> {
  const byId = new Map<string, S>();
  for (const span of input) if (!byId.has(span.spanId)) byId.set(span.spanId, span);

  const children = new Map<string, S[]>();
  const roots: S[] = [];
  for (const span of byId.values()) {
    const parent = span.parentSpanId;
    if (parent !== null && parent !== span.spanId && byId.has(parent)) {
      const list = children.get(parent);
      if (list) list.push(span);
      else children.set(parent, [span]);
    } else {
      roots.push(span);
    }
  }
  roots.sort(byStart);
  for (const list of children.values()) list.sort(byStart);

  const ordered: Array<TreeSpan<S>> = [];
  // A root's subtree cannot reach a parent cycle, so only the walk over cycles needs to remember.
  let visited: Set<string> | null = null;
  const visit = (root: S): void => {
    const stack: Array<{ span: S; depth: number }> = [{ span: root, depth: 0 }];
    while (stack.length > 0) {
      const { span, depth } = stack.pop()!;
      if (visited !== null) {
        if (visited.has(span.spanId)) continue;
        visited.add(span.spanId);
      }
      const kids = children.get(span.spanId) ?? [];
      ordered.push({
        span,
        depth,
        selfTimeNanos: selfTime(span, kids),
        childSpanIds: kids.map((kid) => kid.spanId),
        // Below depth 0 the parent is in the trace by construction.
        orphan: depth === 0 && span.parentSpanId !== null && !byId.has(span.parentSpanId),
      });
      for (let i = kids.length - 1; i >= 0; i--) stack.push({ span: kids[i]!, depth: depth + 1 });
    }
  };
  for (const root of roots) visit(root);
  // Spans caught in a parent cycle are unreachable from any root; show them rather than lose them.
  if (ordered.length < byId.size) {
    const seen = (visited = new Set(ordered.map((node) => node.span.spanId)));
    for (const span of [...byId.values()].sort(byStart)) if (!seen.has(span.spanId)) visit(span);
  }

  return { spans: ordered, roots: roots.map((root) => root.spanId) };
}

function selfTime(span: SpanOutline, kids: readonly SpanOutline[]): Nanos {
  const start = span.startTimeUnixNano;
  const end = span.endTimeUnixNano;
  if (end <= start) return nanos(0n);
  if (kids.length === 0) return spanDuration(span);
  let covered = 0n;
  let runFrom: bigint | null = null;
  let runTo = 0n;
  // The kids come by start, so their clipped intervals do too: merged in one pass.
  for (const kid of kids) {
    const from = kid.startTimeUnixNano < start ? start : kid.startTimeUnixNano;
    const to = kid.endTimeUnixNano > end ? end : kid.endTimeUnixNano;
    if (to <= from) continue;
    if (runFrom === null || from > runTo) {
      if (runFrom !== null) covered += runTo - runFrom;
      runFrom = from;
      runTo = to;
    } else if (to > runTo) {
      runTo = to;
    }
  }
  if (runFrom !== null) covered += runTo - runFrom;
  return nanos(spanDuration(span) - covered);
}
