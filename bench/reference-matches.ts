import { batchToSpans, type Span } from '@stitch/model';
import { traceMatches, type FilterExpr } from '@stitch/query';
import { decodeOtlpTraces } from '@stitch/wire';
import { DIRECT_INGEST_ACCOUNT } from './decode-rate.ts';
import type { PayloadPool } from './otlp-load.ts';

// What a filled store must answer to a filter expression, from the reference meaning of the
// language (`traceMatches`) applied to the pool's own traces. A store holds the pool's payloads
// round after round (slot r * payloads + i is payload i in round r) and a round changes only
// bytes 0..3 of the trace ids, so a pool trace that matches matches in every round it was
// written in, and bytes 4..15 of any stored id name the pool trace it came from.

export interface PoolTrace {
  traceId: string;
  spans: Span[];
}

/** The pool's traces as the store holds their spans, payload by payload, in the order generated. */
export function poolTraces(pool: PayloadPool): PoolTrace[][] {
  return pool.payloads.map((payload) => {
    const byTrace = new Map<string, Span[]>();
    for (const span of batchToSpans(decodeOtlpTraces(payload.body, 'protobuf', DIRECT_INGEST_ACCOUNT).batch)) {
      const spans = byTrace.get(span.traceId);
      if (spans) spans.push(span);
      else byTrace.set(span.traceId, [span]);
    }
    return payload.traces.map(({ traceId }) => ({ traceId, spans: byTrace.get(traceId) ?? [] }));
  });
}

export interface ExpectedMatches {
  /** Stored traces that match. */
  total: number;
  /** Whether a stored trace is a round of a matching pool trace. */
  includes(traceId: string): boolean;
}

/** The part of a trace id that every round keeps. */
const roundFreeId = (traceId: string) => traceId.slice(8);

/** How many rounds wrote payload `index`, when `slotsWritten` slots of `payloadCount` payloads were written. */
export function roundsWritten(index: number, payloadCount: number, slotsWritten: number): number {
  return Math.max(0, Math.ceil((slotsWritten - index) / payloadCount));
}

/** Stored traces matching `expr` (null: every stored trace). */
export function expectedMatches(traces: PoolTrace[][], expr: FilterExpr | null, slotsWritten: number): ExpectedMatches {
  const matching = new Set<string>();
  let total = 0;
  traces.forEach((payloadTraces, index) => {
    const rounds = roundsWritten(index, traces.length, slotsWritten);
    for (const trace of payloadTraces) {
      if (expr !== null && !traceMatches(expr, trace.spans)) continue;
      matching.add(roundFreeId(trace.traceId));
      total += rounds;
    }
  });
  return { total, includes: (traceId) => matching.has(roundFreeId(traceId)) };
}
