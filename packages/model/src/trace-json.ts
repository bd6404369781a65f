import { criticalPathOfTree, type CriticalPath } from './critical-path.ts';
import { spanToJson, type SpanJson } from './span-json.ts';
import type { Span } from './span.ts';
import { summarizeTrace, type TraceSummary } from './trace-summary.ts';
import { buildTraceTree } from './trace-tree.ts';

/** A trace summary as the JSON API carries it: nanos as decimal strings, and the duration in ms for people. */
export type TraceSummaryJson = Omit<TraceSummary, 'startTimeUnixNano' | 'durationNanos'> & { startTimeUnixNano: string; durationNanos: string; durationMs: number };

export function traceSummaryJson(summary: TraceSummary): TraceSummaryJson {
  return { ...summary, startTimeUnixNano: summary.startTimeUnixNano.toString(), durationNanos: summary.durationNanos.toString(), durationMs: Number(summary.durationNanos) / 1e6 };
}

export interface TraceSpanJson extends SpanJson {
  depth: number;
  selfTimeNanos: string;
  critical: boolean;
  criticalNanos: string;
  childSpanIds: string[];
  orphan: boolean;
}

/**
 * GET /api/traces/{traceId}'s answer for a trace's spans: every span in tree order with depth,
 * self time and its share of the critical path, and the critical path itself.
 */
export function traceJsonOf(spans: readonly Span[]) {
  const tree = buildTraceTree(spans);
  const path = criticalPathOfTree(tree);
  return {
    traceId: spans[0]!.traceId,
    summary: traceSummaryJson(summarizeTrace(spans)!),
    spans: tree.spans.map(
      (node): TraceSpanJson => ({
        ...spanToJson(node.span),
        depth: node.depth,
        selfTimeNanos: node.selfTimeNanos.toString(),
        critical: path.spanIds.has(node.span.spanId),
        criticalNanos: (path.nanosBySpan.get(node.span.spanId) ?? 0n).toString(),
        childSpanIds: node.childSpanIds,
        orphan: node.orphan,
      }),
    ),
    criticalPath: criticalPathJson(path),
  };
}

/** The critical path as the JSON API carries it: nanos as decimal strings. */
export function criticalPathJson(path: CriticalPath) {
  return {
    totalNanos: path.totalNanos.toString(),
    gapNanos: path.gapNanos.toString(),
    segments: path.segments.map((segment) => ({ ...segment, startNanos: segment.startNanos.toString(), endNanos: segment.endNanos.toString() })),
  };
}

export type TraceJson = ReturnType<typeof traceJsonOf>;
