import { makeSpan, nanos, traceOutlineJsonOf, type Span, type TraceOutlineJson } from '@stitch/model';

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

/** The outline central gives for these spans (`GET /api/traces/{id}/outline`), made by the same function. */
export function testTraceOutline(spans: Span[]): TraceOutlineJson {
  return traceOutlineJsonOf(spans);
}
