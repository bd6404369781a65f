export type { OtlpFormat, DecodedBatch } from './decode-otlp.ts';
export { decodeOtlpTraces, decodeOtlpProtobufGenerated, encodeOtlpProtobuf } from './decode-otlp.ts';
export type { ConvertedSpans, RejectedSpan } from './otlp-to-spans.ts';
export { otlpToSpans } from './otlp-to-spans.ts';
export type { OtlpTraceRequest, OtlpSpan, OtlpAnyValue, OtlpKeyValue } from './otlp-shape.ts';
export { WireError } from './wire-error.ts';
export type { ConvertedSegment, SegmentOptions, XRaySegmentJson } from './xray-segment.ts';
export { parseDaemonDatagram, segmentToSpans, XRAY_LIMITS } from './xray-segment.ts';
export { spansToOtlpJson } from './spans-to-otlp.ts';
