import type { SpanBatch } from '@stitch/model';
import { traceIdInRound } from './otlp-load.ts';

/**
 * The batch `payloadForRound(payload, round)` decodes to, from the decoded batch of the payload
 * itself: only the trace ids differ. Filling a store this way skips decoding the same bytes
 * again for every round (decoding runs at a fraction of the store's write rate).
 */
export function batchInRound(batch: SpanBatch, round: number): SpanBatch {
  if (round === 0) return batch;
  const ids = new Map<string, string>();
  const traceId = batch.traceId.map((id) => {
    let rekeyed = ids.get(id);
    if (rekeyed === undefined) ids.set(id, (rekeyed = traceIdInRound(id, round)));
    return rekeyed;
  });
  return { ...batch, traceId };
}
