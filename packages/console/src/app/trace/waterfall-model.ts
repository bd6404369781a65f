import { isErrorSpan, isHiddenServiceName } from '@stitch/model';
import type { TraceJson, TraceSpanJson } from '@stitch/api';

/** One span as the waterfall draws it: times as numbers of nanoseconds from the trace's start (exact up to 104 days). */
export interface WaterfallSpan {
  index: number;
  spanId: string;
  name: string;
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
  /** Another account's span that the token does not read: only its place, timing and account are known ("account N (hidden)"). */
  hidden: boolean;
  /** The span's own stretches of the critical path, as [from, to) offsets from the trace's start. */
  criticalRanges: Array<readonly [number, number]>;
  json: TraceSpanJson;
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
 * nanosecond string again. Relies on the API's tree order (each span followed by its subtree,
 * with its depth), which holds for orphans and cycle members too: they come as extra roots.
 */
export function buildWaterfall(trace: TraceJson): WaterfallTrace {
  const source = trace.spans;
  const startTimes: SplitNanos[] = new Array(source.length);
  let traceStart: SplitNanos = [0, 0];
  for (let index = 0; index < source.length; index++) {
    const time = splitNanos(source[index]!.startTimeUnixNano);
    startTimes[index] = time;
    if (index === 0 || time[0] < traceStart[0] || (time[0] === traceStart[0] && time[1] < traceStart[1])) traceStart = time;
  }
  const rangesBySpan = criticalRangesBySpan(trace, traceStart);

  const spans: WaterfallSpan[] = [];
  const indexById = new Map<string, number>();
  // Ancestors of the current span by depth: the tree order makes the parent the latest shallower span.
  const ancestors: number[] = [];
  let latestEnd = 0;
  for (let index = 0; index < source.length; index++) {
    const json = source[index]!;
    const depth = json.depth;
    const startOffsetNanos = offsetFrom(traceStart, startTimes[index]!);
    const durationNanos = Number(json.durationNanos);
    // The end is the start plus the duration central computed: one string fewer to read per span.
    if (startOffsetNanos + durationNanos > latestEnd) latestEnd = startOffsetNanos + durationNanos;
    ancestors.length = Math.min(ancestors.length, depth);
    const parentIndex = depth > 0 && ancestors.length === depth ? ancestors[depth - 1]! : -1;
    spans.push({
      index,
      spanId: json.spanId,
      name: json.name,
      serviceName: json.resource.serviceName,
      accountId: json.account.id,
      accountLabel: json.account.label,
      depth,
      parentIndex,
      childIndexes: [],
      subtreeEnd: index + 1,
      startOffsetNanos,
      durationNanos,
      selfTimeNanos: Number(json.selfTimeNanos),
      criticalNanos: Number(json.criticalNanos),
      critical: json.critical,
      error: isErrorSpan(json),
      hidden: isHiddenServiceName(json.resource.serviceName),
      criticalRanges: rangesBySpan.get(json.spanId) ?? [],
      json,
    });
    if (!indexById.has(json.spanId)) indexById.set(json.spanId, index);
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
    startNanos: BigInt(traceStart[0]) * 1_000_000n + BigInt(traceStart[1]),
    durationNanos: latestEnd,
    criticalPathNanos: Number(trace.criticalPath.totalNanos),
  };
}

function criticalRangesBySpan(trace: TraceJson, traceStart: SplitNanos): Map<string, Array<readonly [number, number]>> {
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
