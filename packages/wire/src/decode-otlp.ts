import { limitSpanAttributes, spansToBatch, type Account, type SpanBatch } from '@stitch/model';
import { z } from 'zod';
import { ExportTraceServiceRequest } from './otlp-generated.ts';
import { otlpTraceRequestJson } from './otlp-json-schema.ts';
import type { OtlpTraceRequest } from './otlp-shape.ts';
import { readOtlpProtobufSpans } from './otlp-fast-decoder.ts';
import { otlpToSpans, type ConvertedSpans, type RejectedSpan } from './otlp-to-spans.ts';
import { asBuffer } from './as-buffer.ts';
import { refuseDeepJson } from './nesting-limit.ts';
import { WireError } from './wire-error.ts';

export type OtlpFormat = 'protobuf' | 'json';

/** A request's valid spans, ready for storage, and the ones refused with their reasons. */
export interface DecodedBatch {
  batch: SpanBatch;
  rejected: RejectedSpan[];
  /** Spans kept with some attributes cut to SPAN_LIMITS (each says so in `stitch.limited_attributes`). */
  limitedSpans: number;
}

/** Decodes an OTLP/HTTP ExportTraceServiceRequest body. Throws WireError when the body as a whole is unreadable. */
export function decodeOtlpTraces(body: Uint8Array, format: OtlpFormat, account: Account): DecodedBatch {
  return toDecodedBatch(format === 'protobuf' ? readOtlpProtobufSpans(body, account) : otlpToSpans(parseOtlpJson(body, otlpTraceRequestJson), account));
}

/** The same through the generated message classes: the reference the fast decoder is checked and benchmarked against. */
export function decodeOtlpProtobufGenerated(body: Uint8Array, account: Account): DecodedBatch {
  return toDecodedBatch(otlpToSpans(parseProtobuf(body), account));
}

function toDecodedBatch({ spans, rejected }: ConvertedSpans): DecodedBatch {
  let limitedSpans = 0;
  const limited = spans.map((span) => {
    const within = limitSpanAttributes(span);
    if (within !== span) limitedSpans += 1;
    return within;
  });
  return { batch: spansToBatch(limited), rejected, limitedSpans };
}

function parseProtobuf(body: Uint8Array): OtlpTraceRequest {
  try {
    return ExportTraceServiceRequest.decode(asBuffer(body));
  } catch (error) {
    throw new WireError(`protobuf: not a valid ExportTraceServiceRequest (${(error as Error).message})`, { cause: error });
  }
}

/** An OTLP/JSON body checked against its schema; a WireError naming the field at fault. */
export function parseOtlpJson<T>(body: Uint8Array, schema: z.ZodType<T>): T {
  refuseDeepJson(body);
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
  } catch (error) {
    throw new WireError(`JSON: body is not valid JSON (${(error as Error).message})`, { cause: error });
  }
  let parsed: z.ZodSafeParseResult<T>;
  try {
    parsed = schema.safeParse(value);
  } catch (error) {
    // Values nested deeper than the stack allows (arrays in arrays in …) are hostile, not a server fault.
    if (error instanceof RangeError) throw new WireError('JSON: values are nested too deeply', { cause: error });
    throw error;
  }
  if (!parsed.success) throw new WireError(describeIssue(parsed.error));
  return parsed.data;
}

/** "resourceSpans[0].scopeSpans[2].spans[1].name: expected string, received number" */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0]!;
  const path = issue.path.reduce<string>((text, part) => (typeof part === 'number' ? `${text}[${part}]` : text ? `${text}.${String(part)}` : String(part)), '');
  return `${path || 'body'}: ${issue.message}${error.issues.length > 1 ? ` (and ${error.issues.length - 1} more problems)` : ''}`;
}

/** Encodes a request object (ids as bytes, times as decimal strings) with the official schema: for clients and tests. */
export function encodeOtlpProtobuf(request: unknown): Uint8Array {
  return ExportTraceServiceRequest.encode(ExportTraceServiceRequest.fromObject(request)).finish();
}
