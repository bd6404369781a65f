import { randomBytes } from 'node:crypto';

/** The baggage entry that marks a request as synthetic; the SDK copies it onto its spans. */
export const SYNTHETIC_BAGGAGE = 'stitch.synthetic=true';
/** The span attribute a synthetic run's spans (and the SDK's, downstream) carry. */
export const SYNTHETIC_ATTRIBUTE = 'stitch.synthetic';

export type RandomHex = (digits: number) => string;

export const cryptoHex: RandomHex = (digits) => randomBytes(Math.ceil(digits / 2)).toString('hex').slice(0, digits);

/**
 * A trace id the Stitch way, the same in both header formats: 8 hex digits of epoch seconds,
 * then 24 random ones (X-Ray's `1-<epoch>-<random>` without the dashes).
 */
export function newTraceId(nowMs: number, random: RandomHex = cryptoHex): string {
  const epoch = Math.floor(nowMs / 1000).toString(16).padStart(8, '0').slice(-8);
  let rest = random(24);
  // All-zero ids are invalid in W3C trace context; the epoch part is never zero after 1970.
  if (/^0+$/.test(rest)) rest = '0'.repeat(23) + '1';
  return epoch + rest;
}

export function newSpanId(random: RandomHex = cryptoHex): string {
  const id = random(16);
  return /^0+$/.test(id) ? '0'.repeat(15) + '1' : id;
}

/**
 * The headers that make a step's request part of the run's trace, in both formats (sampled: a
 * canary's traces are always kept), with the step's client span as the parent, and the
 * synthetic marker as W3C baggage.
 */
export function traceHeaders(traceId: string, parentSpanId: string): Record<string, string> {
  return {
    traceparent: `00-${traceId}-${parentSpanId}-01`,
    'x-amzn-trace-id': `Root=1-${traceId.slice(0, 8)}-${traceId.slice(8)};Parent=${parentSpanId};Sampled=1`,
    baggage: SYNTHETIC_BAGGAGE,
  };
}
