import { isHiddenServiceName, OUTLINE_FLAGS, SPAN_KINDS, type SpanKind, type TraceOutlineJson } from '@stitch/model';

/** One span as the waterfall draws it: times as numbers of nanoseconds from the trace's start (exact up to 104 days). */
export interface WaterfallSpan {
  index: number;
  spanId: string;
  name: string;
  kind: SpanKind;
  serviceName: string;
  accountId: string;
  accountLabel: string;
  depth: number;
  /** The span drawn above this one in the tree; -1 for a root (an orphan is a root too). */
  parentIndex: number;
  childIndexes: number[];
  /** One past the last span of this span's subtree: the subtree is [index, subtreeEnd) in tree order. */
  subtreeEnd: number;
  startOffsetNanos: number;
  durationNanos: number;
  selfTimeNanos: number;
  criticalNanos: number;
  critical: boolean;
  error: boolean;
  /** Its parent is not in the trace (dropped, late, or in an unlinked account): a root here. */
  orphan: boolean;
  /** Another account's span that the token does not read: only its place, timing and account are known ("account N (hidden)"). */
  hidden: boolean;
  /** The span's own stretches of the critical path, as [from, to) offsets from the trace's start. */
  criticalRanges: Array<readonly [number, number]>;
}

export interface WaterfallTrace {
  traceId: string;
  spans: WaterfallSpan[];
  indexById: Map<string, number>;
  startNanos: bigint;
  /** From the earliest start to the latest end of any span (async consumers may end after the root). */
  durationNanos: number;
  criticalPathNanos: number;
}

/**
 * The trace as rows, computed once per answer so that rendering and scrolling never parse a
 * nanosecond string again. Relies on the outline's tree order (each span followed by its
 * subtree, with its depth), which holds for orphans and cycle members too: they come as extra roots.
 */
export function buildWaterfall(trace: TraceOutlineJson): WaterfallTrace {
  const columns = trace.spans;
  const traceStart = splitNanos(trace.startTimeUnixNano);
  const rangesBySpan = criticalRangesBySpan(trace, traceStart);
  const count = columns.spanId.length;
  const hiddenService = trace.services.map((service) => isHiddenServiceName(service.serviceName));
  const spans: WaterfallSpan[] = new Array(count);
  const indexById = new Map<string, number>();
  // Ancestors of the current span by depth: the tree order makes the parent the latest shallower span.
  const ancestors: number[] = [];
  let latestEnd = 0;
  for (let index = 0; index < count; index++) {
    const spanId = columns.spanId[index]!;
    const depth = columns.depth[index]!;
    const startOffsetNanos = columns.startNanos[index]!;
    const durationNanos = columns.durationNanos[index]!;
    const flags = columns.flags[index]!;
    const serviceIndex = columns.service[index]!;
    const service = trace.services[serviceIndex]!;
    if (startOffsetNanos + durationNanos > latestEnd) latestEnd = startOffsetNanos + durationNanos;
    ancestors.length = Math.min(ancestors.length, depth);
    const parentIndex = depth > 0 && ancestors.length === depth ? ancestors[depth - 1]! : -1;
    spans[index] = {
      index,
      spanId,
      name: trace.names[columns.name[index]!]!,
      kind: SPAN_KINDS[columns.kind[index]!] ?? 'internal',
      serviceName: service.serviceName,
      accountId: service.accountId,
      accountLabel: service.accountLabel,
      depth,
      parentIndex,
      childIndexes: [],
      subtreeEnd: index + 1,
      startOffsetNanos,
      durationNanos,
      selfTimeNanos: columns.selfTimeNanos[index]!,
      criticalNanos: columns.criticalNanos[index]!,
      critical: (flags & OUTLINE_FLAGS.critical) !== 0,
      error: (flags & OUTLINE_FLAGS.error) !== 0,
      orphan: (flags & OUTLINE_FLAGS.orphan) !== 0,
      hidden: hiddenService[serviceIndex]!,
      criticalRanges: rangesBySpan.get(spanId) ?? NO_RANGES,
    };
    if (!indexById.has(spanId)) indexById.set(spanId, index);
    if (parentIndex >= 0) spans[parentIndex]!.childIndexes.push(index);
    ancestors[depth] = index;
  }
  // Subtree ends, children before parents: a span's subtree ends where its last child's does.
  for (let index = spans.length - 1; index >= 0; index--) {
    const span = spans[index]!;
    const lastChild = span.childIndexes[span.childIndexes.length - 1];
    if (lastChild !== undefined) span.subtreeEnd = spans[lastChild]!.subtreeEnd;
  }
  return {
    traceId: trace.traceId,
    spans,
    indexById,
    startNanos: BigInt(trace.startTimeUnixNano),
    durationNanos: latestEnd,
    criticalPathNanos: Number(trace.criticalPath.totalNanos),
  };
}

const NO_RANGES: Array<readonly [number, number]> = [];

function criticalRangesBySpan(trace: TraceOutlineJson, traceStart: SplitNanos): Map<string, Array<readonly [number, number]>> {
  const ranges = new Map<string, Array<readonly [number, number]>>();
  for (const segment of trace.criticalPath.segments) {
    if (segment.kind !== 'span' || segment.spanId === undefined || segment.startNanos === undefined || segment.endNanos === undefined) continue;
    const range = [offsetFrom(traceStart, splitNanos(segment.startNanos)), offsetFrom(traceStart, splitNanos(segment.endNanos))] as const;
    const list = ranges.get(segment.spanId);
    if (list) list.push(range);
    else ranges.set(segment.spanId, [range]);
  }
  return ranges;
}

/**
 * A uint64 nanosecond time as [whole milliseconds, nanoseconds past them], each exact in a
 * double: 10,000 spans' times are read without a BigInt each (measured: half the model's cost).
 */
type SplitNanos = readonly [number, number];

function splitNanos(text: string): SplitNanos {
  return [Number(text.slice(0, -6)), Number(text.slice(-6))];
}

/** Nanoseconds from `base` to `time`; exact while under 2^53 ns (104 days). */
function offsetFrom(base: SplitNanos, time: SplitNanos): number {
  return (time[0] - base[0]) * 1e6 + (time[1] - base[1]);
}
