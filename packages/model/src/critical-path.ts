import type { SpanOutline } from './span.ts';
import { buildTraceTree, type TraceTree } from './trace-tree.ts';
import { nanos, type Nanos } from './units.ts';

/** Time the path spends in one span's own work (not waiting on a child). */
export interface CriticalSpanSegment {
  kind: 'span';
  spanId: string;
  startNanos: Nanos;
  endNanos: Nanos;
}

/** Time no span on the path covers: queue wait between a producer and its consumer, or between disconnected roots. */
export interface CriticalGapSegment {
  kind: 'gap';
  /** The path's span just before the gap; null when the gap opens the trace. */
  afterSpanId: string | null;
  /** The path's span just after the gap; null when the gap closes the trace. */
  beforeSpanId: string | null;
  startNanos: Nanos;
  endNanos: Nanos;
}

export type CriticalSegment = CriticalSpanSegment | CriticalGapSegment;

export interface CriticalPath {
  traceStartNanos: Nanos;
  /** The latest end of any span: async consumers may end after the root. */
  traceEndNanos: Nanos;
  totalNanos: Nanos;
  /** In time order, contiguous, never zero-length, covering exactly [traceStart, traceEnd]. */
  segments: CriticalSegment[];
  /** Every span the path goes through, with its own nanos on the path (0 for a parent its children cover). */
  nanosBySpan: Map<string, Nanos>;
  spanIds: Set<string>;
  gapNanos: Nanos;
}

/** A span of the walk; the virtual root that holds every real root has no span. */
interface Node {
  span: SpanOutline | null;
  start: bigint;
  end: bigint;
  /** The later of the span's end and its descendants' effective ends. */
  effectiveEnd: bigint;
  /** By effective end, latest first. */
  kids: Node[];
  /** Own time on the path; null while the walk has not gone through the span. */
  critical: bigint | null;
}

interface Frame {
  node: Node;
  /** The part of the timeline this node answers for is [lo, cursor]; the walk moves the cursor back. */
  lo: bigint;
  cursor: bigint;
  next: number;
  /** A child was taken: the cursor is that child's start, no longer the window's end. */
  took: boolean;
}

const OVERLAP_NOISE_NANOS = 1_000_000n;
/**
 * How far apart two services' clocks may plausibly read: NTP-synced hosts differ by milliseconds,
 * but hosts each ±200 ms off are seen, 400 ms apart. The diagnosis allows the same.
 */
export const CLOCK_SKEW_NANOS = 500_000_000n;
const onAnotherClock = (parent: Node, kid: Node): boolean =>
  parent.span !== null && kid.span !== null && (parent.span.resource.serviceName !== kid.span.resource.serviceName || parent.span.account.id !== kid.span.account.id);
const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);
const max = (a: bigint, b: bigint): bigint => (a > b ? a : b);

/** The critical path of one trace's spans. Never throws: see {@link criticalPathOfTree}. */
export function criticalPath(spans: readonly SpanOutline[]): CriticalPath {
  return criticalPathOfTree(buildTraceTree(spans));
}

/**
 * The Jaeger-style backwards walk over a built tree: from a span's effective end, take the child
 * that finished last before the cursor, give the parent the time after that child, descend, and
 * move the cursor to the child's start. The tree already settled duplicates and cycles; here,
 * children are clipped to their parent's start (clock skew), and several roots hang under a
 * virtual root spanning the whole trace, whose own time is reported as gaps.
 */
export function criticalPathOfTree(tree: TraceTree<SpanOutline>): CriticalPath {
  const roots = forestOf(tree);
  const nanosBySpan = new Map<string, Nanos>();
  if (roots.length === 0) {
    const zero = nanos(0n);
    return { traceStartNanos: zero, traceEndNanos: zero, totalNanos: zero, segments: [], nanosBySpan, spanIds: new Set(), gapNanos: zero };
  }
  let traceStart = roots[0]!.start;
  for (const { span } of tree.spans) traceStart = min(traceStart, span.startTimeUnixNano);
  const traceEnd = roots[0]!.effectiveEnd;
  const top: Node = { span: null, start: traceStart, end: traceEnd, effectiveEnd: traceEnd, kids: roots, critical: null };
  const visited: Node[] = [];

  // Segments come out latest first, each joined to the one after it when both are the same span
  // (or both gaps); reversed at the end.
  const backwards: CriticalSegment[] = [];
  const prepend = (spanId: string | null, from: bigint, to: bigint): void => {
    const later = backwards[backwards.length - 1];
    if (later !== undefined && (later.kind === 'span' ? later.spanId === spanId : spanId === null)) later.startNanos = nanos(from);
    else if (spanId === null) backwards.push({ kind: 'gap', afterSpanId: null, beforeSpanId: null, startNanos: nanos(from), endNanos: nanos(to) });
    else backwards.push({ kind: 'span', spanId, startNanos: nanos(from), endNanos: nanos(to) });
  };
  /** The node's own time [from, to]: work up to the span's end, a gap after it. */
  const own = (node: Node, from: bigint, to: bigint): void => {
    if (to <= from) return;
    // The virtual root does no work; a span past its own end is waiting on an async descendant.
    const workEnd = node.span === null ? from : min(to, node.end);
    if (to > workEnd) prepend(null, max(from, workEnd), to);
    if (node.span !== null && from < workEnd) {
      prepend(node.span.spanId, from, workEnd);
      node.critical! += workEnd - from;
    }
  };

  const stack: Frame[] = [{ node: top, lo: traceStart, cursor: traceEnd, next: 0, took: false }];
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!;
    const kid = nextCriticalKid(frame);
    if (kid === undefined) {
      own(frame.node, frame.lo, frame.cursor);
      stack.pop();
      continue;
    }
    const hi = min(kid.effectiveEnd, frame.cursor);
    const lo = max(kid.start, frame.lo);
    own(frame.node, hi, frame.cursor);
    frame.cursor = lo;
    frame.took = true;
    kid.critical = 0n;
    visited.push(kid);
    stack.push({ node: kid, lo, cursor: hi, next: 0, took: false });
  }

  for (const node of visited) nanosBySpan.set(node.span!.spanId, nanos(node.critical!));
  const segments = linkGaps(backwards.reverse());
  let gapNanos = 0n;
  for (const segment of segments) if (segment.kind === 'gap') gapNanos += segment.endNanos - segment.startNanos;
  return {
    traceStartNanos: nanos(traceStart),
    traceEndNanos: nanos(traceEnd),
    totalNanos: nanos(traceEnd - traceStart),
    segments,
    nanosBySpan,
    spanIds: new Set(nanosBySpan.keys()),
    gapNanos: nanos(gapNanos),
  };
}

/** The last-finishing child still inside the frame's window, consuming the frame's children in order. */
function nextCriticalKid(frame: Frame): Node | undefined {
  const virtual = frame.node.span === null;
  while (frame.next < frame.node.kids.length) {
    const kid = frame.node.kids[frame.next++]!;
    // A child still running at the cursor overlapped the child just taken: its parent's own time
    // covers it. The virtual root has no own work, so there the child keeps its part before the cursor.
    // Its own end decides, not its descendants', and only once a sibling was taken: a callee's
    // server span routinely ends a moment after the client span that waited for it (past the
    // window its parent gives it), and neither may hide the call.
    // Instrumentation ends spans a little late (a client span after the caller's next step has
    // begun): an overlap within 1 ms or 1 % of the child is timing noise, not parallel work.
    // A child on another host's clock (a callee's server span under its caller's, no client span
    // between them) may read up to CLOCK_SKEW_NANOS late: an overlap within that is skew, not parallel work.
    const overlap = kid.end - frame.cursor;
    const tolerated = max(max(OVERLAP_NOISE_NANOS, (kid.end - kid.start) / 100n), onAnotherClock(frame.node, kid) ? CLOCK_SKEW_NANOS : 0n);
    if (frame.took && overlap > 0n && !virtual && overlap > tolerated) continue;
    if (min(kid.effectiveEnd, frame.cursor) > max(kid.start, frame.lo)) return kid;
  }
  return undefined;
}

/** Names each gap's neighbours; two gaps are never neighbours. */
function linkGaps(segments: CriticalSegment[]): CriticalSegment[] {
  segments.forEach((segment, i) => {
    if (segment.kind !== 'gap') return;
    const before = segments[i - 1];
    const after = segments[i + 1];
    segment.afterSpanId = before?.kind === 'span' ? before.spanId : null;
    segment.beforeSpanId = after?.kind === 'span' ? after.spanId : null;
  });
  return segments;
}

/** The tree's depth-first order as linked nodes with effective ends, children latest-ending first. */
function forestOf(tree: TraceTree<SpanOutline>): Node[] {
  const roots: Node[] = [];
  const all: Node[] = [];
  const ancestors: Node[] = [];
  for (const { span, depth } of tree.spans) {
    const start = span.startTimeUnixNano;
    // An end before the start is malformed; read it as a zero-length span.
    const end = max(span.endTimeUnixNano, start);
    const node: Node = { span, start, end, effectiveEnd: end, kids: [], critical: null };
    while (ancestors.length > depth) ancestors.pop();
    const parent = depth > 0 ? ancestors[ancestors.length - 1] : undefined;
    (parent ? parent.kids : roots).push(node);
    ancestors.push(node);
    all.push(node);
  }
  // Children follow their parent in depth-first order, so walking it backwards settles them first.
  for (let i = all.length - 1; i >= 0; i--) {
    const node = all[i]!;
    for (const kid of node.kids) node.effectiveEnd = max(node.effectiveEnd, kid.effectiveEnd);
    node.kids.sort(latestFirst);
  }
  return roots.sort(latestFirst);
}

/** Ties go to the child that started first: it explains more of the parent's wait. */
const latestFirst = (a: Node, b: Node): number =>
  a.effectiveEnd !== b.effectiveEnd ? (a.effectiveEnd > b.effectiveEnd ? -1 : 1) : a.start !== b.start ? (a.start < b.start ? -1 : 1) : 0;
