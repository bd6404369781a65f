import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { AWSXRayPropagator } from '@opentelemetry/propagator-aws-xray';
import type { Context, TextMapGetter, TextMapPropagator, TextMapSetter } from '@opentelemetry/api';

export type PropagationMode = 'both' | 'w3c' | 'xray';

/**
 * Reads both formats always and writes the ones asked for. The rule when both arrive and
 * disagree: `traceparent` wins when it is valid (the X-Ray header is read first and the W3C
 * one, read second, replaces it); an invalid one of either is ignored, so a malformed header
 * never breaks the request: the other header, or else a new trace, is used.
 * Trace ids are X-Ray-compatible (see the id generator), so one id reads the same in both.
 */
export function createPropagator(mode: PropagationMode): TextMapPropagator {
  const xray = new AWSXRayPropagator();
  const w3c = new W3CTraceContextPropagator();
  const baggage = new W3CBaggagePropagator();
  const extractor = new CompositePropagator({ propagators: [xray, w3c, baggage] });
  const injector = new CompositePropagator({ propagators: mode === 'xray' ? [xray, baggage] : mode === 'w3c' ? [w3c, baggage] : [w3c, xray, baggage] });
  return {
    inject: (context: Context, carrier: unknown, setter: TextMapSetter) => injector.inject(context, carrier, setter),
    extract: (context: Context, carrier: unknown, getter: TextMapGetter) => safely(() => extractor.extract(context, carrier, getter), context),
    fields: () => extractor.fields(),
  };
}

/** A propagator that throws on hostile input would fail the request it serves: fall back to the context as it was. */
function safely(extract: () => Context, fallback: Context): Context {
  try {
    return extract();
  } catch {
    return fallback;
  }
}
