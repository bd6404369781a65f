import { createHash } from 'node:crypto';
import protobuf from 'protobufjs/minimal.js';
import { batchToSpans } from '@stitch/model';
import type { TraceReads } from '@stitch/store';
import { checkOtlpProtobuf, decodeOtlpTraces, type DecodedBatch } from '@stitch/wire';
import type { Answer } from './http-client.ts';
import type { OtlpFormat } from './otlp-inputs.ts';

const ACCOUNT = { id: 'local', label: 'local' };

/** `partialSuccess.rejectedSpans` of a 200, in the answer's encoding (0 when absent). */
export function rejectedSpansOf(answer: Answer): number {
  if (String(answer.headers['content-type']).includes('json')) {
    const body = JSON.parse(answer.body.toString('utf8') || '{}') as { partialSuccess?: { rejectedSpans?: string } };
    return Number(body.partialSuccess?.rejectedSpans ?? 0);
  }
  // ExportTraceServiceResponse { partial_success = 1 { int64 rejected_spans = 1 } }
  const reader = protobuf.Reader.create(answer.body);
  let rejected = 0;
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    if (tag !== ((1 << 3) | 2)) {
      reader.skipType(tag & 7);
      continue;
    }
    const stop = reader.uint32() + reader.pos;
    while (reader.pos < stop) {
      const inner = reader.uint32();
      if (inner === (1 << 3)) rejected = Number(reader.int64().toString());
      else reader.skipType(inner & 7);
    }
  }
  return rejected;
}

/**
 * The spans of a body central acknowledged, read as central reads them; for protobuf, the
 * agent's byte-level check must come to the same counts (the agent answers for central).
 */
export function acknowledgedBatch(body: Buffer, format: OtlpFormat): { decoded: DecodedBatch | null; checkAgrees: boolean } {
  let decoded: DecodedBatch;
  try {
    decoded = decodeOtlpTraces(body, format, ACCOUNT);
  } catch {
    return { decoded: null, checkAgrees: false };
  }
  if (format === 'json') return { decoded, checkAgrees: true };
  try {
    const checked = checkOtlpProtobuf(body);
    return { decoded, checkAgrees: checked.accepted === decoded.batch.length && checked.rejected.length === decoded.rejected.length };
  } catch {
    return { decoded, checkAgrees: false };
  }
}

/** Every span central acknowledged (a 200 minus its rejected spans), to be found in the store afterwards. */
export class AcknowledgedSpans {
  /** Rows the store must have gained: a span sent twice is stored twice. */
  rows = 0;
  private readonly spanIdsByTrace = new Map<string, Set<string>>();
  private readonly bodies = new Set<string>();

  /**
   * A body acknowledged with these spans. Given `body` (as decoded), a body seen before
   * adds nothing: the agent names a delivery by its content, so central takes the same bytes
   * sent again for an exporter's retry and stores them once.
   */
  add(decoded: DecodedBatch, body?: Buffer): void {
    if (body) {
      const key = createHash('sha256').update(body).digest('hex');
      if (this.bodies.has(key)) return;
      this.bodies.add(key);
    }
    this.rows += decoded.batch.length;
    for (const span of batchToSpans(decoded.batch)) {
      let spanIds = this.spanIdsByTrace.get(span.traceId);
      if (!spanIds) this.spanIdsByTrace.set(span.traceId, (spanIds = new Set()));
      spanIds.add(span.spanId);
    }
  }

  get uniqueSpans(): number {
    let count = 0;
    for (const spanIds of this.spanIdsByTrace.values()) count += spanIds.size;
    return count;
  }

  /** The acknowledged spans the store cannot return ("traceId/spanId"). */
  async missingFrom(store: TraceReads): Promise<string[]> {
    const missing: string[] = [];
    const traceIds = [...this.spanIdsByTrace.keys()];
    for (let i = 0; i < traceIds.length; i += 500) {
      const found = await store.getTraces(traceIds.slice(i, i + 500));
      for (const traceId of traceIds.slice(i, i + 500)) {
        const stored = new Set((found.get(traceId) ?? []).map((span) => span.spanId));
        for (const spanId of this.spanIdsByTrace.get(traceId)!) if (!stored.has(spanId)) missing.push(`${traceId}/${spanId}`);
      }
    }
    return missing;
  }
}
