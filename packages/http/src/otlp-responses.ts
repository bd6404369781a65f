import type { ServerResponse } from 'node:http';
import protobuf from 'protobufjs/minimal.js';
import type { OtlpFormat, RejectedSpan } from '@stitch/wire';
import { ApiError } from './api-error.ts';
import { sendBytes, sendJson } from './responses.ts';

/** Spans of an accepted request that were refused, with why (OTLP's partial_success). */
export interface PartialSuccess {
  rejectedSpans: number;
  errorMessage: string;
}

/** Reported rejections are capped so a batch of 100k bad spans does not produce a 10 MB answer. */
const MAX_REASONS = 20;

export function formatOf(contentType: string | undefined): OtlpFormat {
  const mediaType = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (mediaType === 'application/x-protobuf' || mediaType === 'application/protobuf') return 'protobuf';
  if (mediaType === 'application/json') return 'json';
  throw new ApiError(415, `content-type: "${contentType ?? ''}" is not supported; OTLP/HTTP takes application/x-protobuf or application/json`);
}

/**
 * The partial success to report for a request of which `accepted` spans are kept; a 400 when none
 * is. A `warning` about kept spans (OTLP allows an error message with no span rejected) is added.
 */
export function partialSuccessOf(accepted: number, rejected: readonly RejectedSpan[], warning = ''): PartialSuccess {
  if (rejected.length === 0) return { rejectedSpans: 0, errorMessage: warning };
  const shown = rejected.slice(0, MAX_REASONS).map((r) => `span ${r.index} (${r.spanId || 'no id'}): ${r.reason}`);
  const reasons = shown.join('; ') + (rejected.length > MAX_REASONS ? `; and ${rejected.length - MAX_REASONS} more` : '');
  if (accepted === 0) throw new ApiError(400, `all ${rejected.length} spans were rejected: ${reasons}`);
  return { rejectedSpans: rejected.length, errorMessage: `${rejected.length} of ${rejected.length + accepted} spans rejected: ${reasons}${warning ? `; ${warning}` : ''}` };
}

/** OTLP/HTTP's 200: an ExportTraceServiceResponse, with partial_success when spans were rejected. */
export function sendOtlpSuccess(res: ServerResponse, format: OtlpFormat, { rejectedSpans, errorMessage }: PartialSuccess): void {
  if (format === 'json') {
    sendJson(res, 200, rejectedSpans > 0 || errorMessage ? { partialSuccess: { rejectedSpans: String(rejectedSpans), errorMessage } } : {});
    return;
  }
  sendBytes(res, 200, 'application/x-protobuf', exportResponseBytes({ rejectedSpans, errorMessage }));
}

/**
 * An ExportTraceServiceResponse as protobuf: { ExportTracePartialSuccess partial_success = 1 {
 * int64 rejected_spans = 1; string error_message = 2 } }. ExportLogsServiceResponse has the same
 * layout (rejected_log_records = 1, error_message = 2), so the same bytes.
 */
export function exportResponseBytes({ rejectedSpans, errorMessage }: PartialSuccess): Uint8Array {
  const writer = protobuf.Writer.create();
  if (rejectedSpans > 0 || errorMessage) {
    writer.uint32((1 << 3) | 2).fork();
    writer.uint32((1 << 3) | 0).int64(rejectedSpans);
    writer.uint32((2 << 3) | 2).string(errorMessage);
    writer.ldelim();
  }
  return writer.finish();
}

/** OTLP/HTTP: 4xx/5xx bodies are a google.rpc.Status in the request's encoding. */
export function sendOtlpError(res: ServerResponse, format: OtlpFormat, error: ApiError): void {
  const code = grpcCodeOf(error.status);
  if (format === 'json') {
    sendJson(res, error.status, { code, message: error.message }, error.headers);
    return;
  }
  const status = protobuf.Writer.create().uint32((1 << 3) | 0).int32(code).uint32((2 << 3) | 2).string(error.message).finish();
  sendBytes(res, error.status, 'application/x-protobuf', status, error.headers);
}

/** The gRPC status OTLP gives for an HTTP status: what an OTLP/gRPC sender is answered, and what an OTLP/HTTP error body names. */
export function grpcCodeOf(httpStatus: number): number {
  if (httpStatus === 400 || httpStatus === 415) return 3; // INVALID_ARGUMENT
  if (httpStatus === 413 || httpStatus === 429) return 8; // RESOURCE_EXHAUSTED
  if (httpStatus === 401) return 16; // UNAUTHENTICATED
  if (httpStatus === 403) return 7; // PERMISSION_DENIED
  if (httpStatus === 503) return 14; // UNAVAILABLE
  return 13; // INTERNAL
}
