import type { Span } from '@stitch/model';
import { traceIdInRound } from './otlp-load.ts';

/**
 * The spans `payloadForRound(payload, round)` decodes to, from the spans of the payload itself:
 * only the trace ids differ. Filling a store this way skips decoding the same bytes again for
 * every round (decoding runs at a fraction of the store's write rate on this machine).
 */
export function spansInRound(spans: readonly Span[], round: number): Span[] {
  if (round === 0) return [...spans];
  const ids = new Map<string, string>();
  return spans.map((span) => {
    let traceId = ids.get(span.traceId);
    if (traceId === undefined) ids.set(span.traceId, (traceId = traceIdInRound(span.traceId, round)));
    return { ...span, traceId };
  });
}
