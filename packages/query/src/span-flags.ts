import { spanOutcome, type Span } from '@stitch/model';

/** X-Ray's outcome flags for one span: throttle is a 429 (and so also an error), error any 4xx, fault a 5xx or an error status without a 4xx (model's SpanOutcome). */
export function spanHasFlag(span: Pick<Span, 'status' | 'http'>, flag: 'fault' | 'error' | 'throttle' | 'ok'): boolean {
  return flag === 'throttle' ? span.http.statusCode === 429 : spanOutcome(span) === flag;
}
