import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { AWSXRayPropagator } from '@opentelemetry/propagator-aws-xray';
import { trace, type Context, type TextMapGetter, type TextMapPropagator, type TextMapSetter } from '@opentelemetry/api';

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
    extract: (context: Context, carrier: unknown, getter: TextMapGetter) => safely(() => lowerCaseIds(extractor.extract(context, carrier, getter)), context),
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

/**
 * The X-Ray propagator keeps an upper-case X-Amzn-Trace-Id's ids as they came, so the traceparent
 * written downstream was invalid (W3C ids are lower case) and the next service lost the trace.
 */
function lowerCaseIds(context: Context): Context {
  const span = trace.getSpanContext(context);
  if (!span || (span.traceId === span.traceId.toLowerCase() && span.spanId === span.spanId.toLowerCase())) return context;
  return trace.setSpanContext(context, { ...span, traceId: span.traceId.toLowerCase(), spanId: span.spanId.toLowerCase() });
}
