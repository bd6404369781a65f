import { ApiError } from './api-error.ts';

/** The default limit of spans in one OTLP request, at central and the agent: OTel SDKs export 512 at a time. */
export const DEFAULT_MAX_SPANS_PER_REQUEST = 50_000;

/** A 413 naming the limit when one request holds more spans than it. */
export function refuseOverSpanLimit(spans: number, limit: number): void {
  if (spans > limit) throw new ApiError(413, `spans: ${spans} spans in one request exceed the limit of ${limit} spans per request (split the batch or raise --max-spans-per-request)`);
}
