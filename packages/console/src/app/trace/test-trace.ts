import { buildTraceTree, criticalPathOfTree, makeSpan, nanos, spanToJson, summarizeTrace, type Span } from '@stitch/model';
import type { TraceJson } from '../api-types.ts';

const T0 = 1_764_000_000_000_000_000n;
const MS = 1_000_000n;

/** A span for tests: `parent` by id, times in ms from a fixed start. */
export function testSpan(spanId: string, parent: string | null, fromMs: number, toMs: number, overrides: Partial<Span> = {}): Span {
  return makeSpan({
    traceId: '5f0000000000000000000000000000aa',
    spanId: spanId.padStart(16, '0'),
    parentSpanId: parent === null ? null : parent.padStart(16, '0'),
    name: `op ${spanId}`,
    startTimeUnixNano: nanos(T0 + BigInt(fromMs) * MS),
    endTimeUnixNano: nanos(T0 + BigInt(toMs) * MS),
    ...overrides,
  });
}

/** The answer central gives for these spans (`GET /api/traces/{id}`), made the way central makes it. */
export function testTraceJson(spans: Span[]): TraceJson {
  const tree = buildTraceTree(spans);
  const path = criticalPathOfTree(tree);
  const summary = summarizeTrace(spans)!;
  return {
    traceId: spans[0]!.traceId,
    summary: { ...summary, startTimeUnixNano: summary.startTimeUnixNano.toString(), durationNanos: summary.durationNanos.toString(), durationMs: Number(summary.durationNanos) / 1e6 },
    spans: tree.spans.map((node) => ({
      ...spanToJson(node.span),
      depth: node.depth,
      selfTimeNanos: node.selfTimeNanos.toString(),
      critical: path.spanIds.has(node.span.spanId),
      criticalNanos: (path.nanosBySpan.get(node.span.spanId) ?? 0n).toString(),
      childSpanIds: node.childSpanIds,
      orphan: node.orphan,
    })),
    criticalPath: {
      totalNanos: path.totalNanos.toString(),
      gapNanos: path.gapNanos.toString(),
      segments: path.segments.map((segment) => ({ ...segment, startNanos: segment.startNanos.toString(), endNanos: segment.endNanos.toString() })),
    },
  };
}
