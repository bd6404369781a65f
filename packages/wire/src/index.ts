export type { OtlpFormat } from './decode-otlp.ts';
export { decodeOtlpTraces, encodeOtlpProtobuf } from './decode-otlp.ts';
export type { DecodedBatch, RejectedSpan } from './otlp-to-spans.ts';
export { otlpToSpans } from './otlp-to-spans.ts';
export type { OtlpTraceRequest, OtlpSpan, OtlpAnyValue, OtlpKeyValue } from './otlp-shape.ts';
export { WireError } from './wire-error.ts';
