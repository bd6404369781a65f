import generated from 'otlp-proto-codegen/build/src/generated/root.js';
import { decodeOtlpTraces } from '@stitch/wire';
import type { PayloadPool } from './otlp-load.ts';

// The limit of the ingest path: how fast one core turns the same payloads central receives into
// spans, with the very function central's decode workers run. The protobuf-only figure uses the
// generated code @stitch/wire parses with, and shows what the conversion to the span model costs
// on top of parsing.

/** The account central stamps on spans posted straight to it (its default), so decoded spans match stored ones. */
export const DIRECT_INGEST_ACCOUNT = { id: 'local', label: 'local' };

export interface DecodeRate {
  spansPerSecond: number;
  megabytesPerSecond: number;
  spans: number;
  seconds: number;
}

export interface DecodeRates {
  /** decodeOtlpTraces: protobuf parsing plus conversion to spans, one thread. */
  decode: DecodeRate;
  /** ExportTraceServiceRequest.decode alone, one thread. */
  protobufOnly: DecodeRate;
}

type Decode = (body: Uint8Array) => void;

const protobufRequest = (generated as unknown as { opentelemetry: { proto: { collector: { trace: { v1: { ExportTraceServiceRequest: { decode(body: Uint8Array): unknown } } } } } } })
  .opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;

function fullDecode(body: Uint8Array): void {
  const batch = decodeOtlpTraces(body, 'protobuf', DIRECT_INGEST_ACCOUNT);
  // Every generated span is valid: a rejection means the bench measures an error path.
  if (batch.rejected.length > 0) throw new Error(`decode rejected ${batch.rejected.length} spans: ${batch.rejected[0]!.reason}`);
}

/** Decodes the pool's payloads round-robin for `seconds` after a warm-up (so the JIT has compiled the hot paths). */
function timeDecode(pool: PayloadPool, decode: Decode, seconds: number): DecodeRate {
  const payloads = pool.payloads;
  const warmUntil = performance.now() + Math.min(1_000, seconds * 250);
  for (let i = 0; performance.now() < warmUntil; i++) decode(payloads[i % payloads.length]!.body);

  let spans = 0;
  let bytes = 0;
  const started = performance.now();
  const until = started + seconds * 1_000;
  for (let i = 0; performance.now() < until; i++) {
    const payload = payloads[i % payloads.length]!;
    decode(payload.body);
    spans += payload.spanCount;
    bytes += payload.body.byteLength;
  }
  const elapsed = (performance.now() - started) / 1_000;
  return { spansPerSecond: Math.round(spans / elapsed), megabytesPerSecond: Math.round((bytes / elapsed / 1e6) * 10) / 10, spans, seconds: Math.round(elapsed * 100) / 100 };
}

export function measureDecodeRates(pool: PayloadPool, seconds: number): DecodeRates {
  return {
    decode: timeDecode(pool, fullDecode, seconds),
    protobufOnly: timeDecode(pool, (body) => void protobufRequest.decode(body), seconds),
  };
}
