import { batchToSpans, type Span } from '@stitch/model';
import { traceMatches, type FilterExpr } from '@stitch/query';
import { decodeOtlpTraces } from '@stitch/wire';
import { DIRECT_INGEST_ACCOUNT } from './decode-rate.ts';
import { traceIdInRound, type PayloadPool } from './otlp-load.ts';
import { startInRound, type RoundLayout } from './span-rekey.ts';

// What a filled store must answer to a filter expression, from the reference meaning of the
// language (`traceMatches`) applied to the pool's own traces. A store holds the pool's payloads
// round after round (slot r * payloads + i is payload i in round r). A round changes bytes 0..3
// of the trace ids and moves each trace as a whole in time (span-rekey.ts), neither of which a
// filter expression can see, so a pool trace that matches matches in every round it was written
// in, and bytes 4..15 of any stored id name the pool trace it came from.

export interface PoolTrace {
  traceId: string;
  /** Its earliest span's start: the trace's start as the store reports it. */
  startNs: bigint;
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
    return payload.traces.map(({ traceId }) => {
      const spans = byTrace.get(traceId) ?? [];
      const startNs = spans.reduce<bigint>((min, span) => (span.startTimeUnixNano < min ? span.startTimeUnixNano : min), spans[0]?.startTimeUnixNano ?? 0n);
      return { traceId, startNs, spans };
    });
  });
}

/** A stored trace as a search page lists it. */
export interface StoredTrace {
  traceId: string;
  startNs: bigint;
}

export interface ExpectedMatches {
  /** Stored traces that match. */
  total: number;
  /** Whether a stored trace is a round of a matching pool trace. */
  includes(traceId: string): boolean;
  /** The `limit` newest matching stored traces, as a search must page them: start descending, then trace id. */
  newest(limit: number): StoredTrace[];
}

/** The part of a trace id that every round keeps. */
const roundFreeId = (traceId: string) => traceId.slice(8);

/** How many rounds wrote payload `index`, when `slotsWritten` slots of `payloadCount` payloads were written. */
export function roundsWritten(index: number, payloadCount: number, slotsWritten: number): number {
  return Math.max(0, Math.ceil((slotsWritten - index) / payloadCount));
}

const newestFirst = (a: StoredTrace, b: StoredTrace) => (a.startNs > b.startNs ? -1 : a.startNs < b.startNs ? 1 : a.traceId < b.traceId ? -1 : a.traceId > b.traceId ? 1 : 0);

/** Stored traces matching `expr` (null: every stored trace), in a store filled with `slotsWritten` slots laid out by `layout`. */
export function expectedMatches(traces: PoolTrace[][], expr: FilterExpr | null, slotsWritten: number, layout: RoundLayout): ExpectedMatches {
  const matching = new Set<string>();
  /** Matching pool traces with the rounds that wrote them. */
  const written: Array<{ trace: PoolTrace; rounds: number }> = [];
  let total = 0;
  traces.forEach((payloadTraces, index) => {
    const rounds = roundsWritten(index, traces.length, slotsWritten);
    for (const trace of payloadTraces) {
      const offsetNs = trace.startNs - layout.windowStartNs;
      if (offsetNs < 0n || offsetNs >= layout.windowNs) throw new Error(`pool trace ${trace.traceId} starts outside the window the rounds are laid out in`);
      if (expr !== null && !traceMatches(expr, trace.spans)) continue;
      matching.add(roundFreeId(trace.traceId));
      if (rounds > 0) written.push({ trace, rounds });
      total += rounds;
    }
  });
  const newest = (limit: number): StoredTrace[] => {
    // Round r's traces all start before round r + 1's (each round has its own slice of the
    // window), so the newest are in the last rounds: take whole rounds back until `limit` are in.
    const found: StoredTrace[] = [];
    const lastRound = Math.ceil(slotsWritten / traces.length) - 1;
    for (let round = lastRound; round >= 0 && found.length < limit; round--) {
      for (const { trace, rounds } of written) {
        if (round < rounds) found.push({ traceId: traceIdInRound(trace.traceId, round), startNs: startInRound(trace.startNs, round, layout) });
      }
    }
    return found.sort(newestFirst).slice(0, limit);
  };
  return { total, includes: (traceId) => matching.has(roundFreeId(traceId)), newest };
}
