import type { IncomingMessage, ServerResponse } from 'node:http';
import protobuf from 'protobufjs/minimal.js';
import type { Account } from '@stitch/model';
import { WireError, type DecodedBatch, type OtlpFormat } from '@stitch/wire';
import { ApiError } from '../http/api-error.ts';
import { readBody } from '../http/read-body.ts';
import { sendBytes, sendJson } from '../http/responses.ts';
import type { DecodePool } from './decode-pool.ts';
import type { WriteQueue } from './write-queue.ts';

export interface OtlpIngestOptions {
  pool: DecodePool;
  writes: WriteQueue;
  maxBodyBytes: number;
  /** Beyond this many spans waiting for the store, new requests get 503 + Retry-After (OTLP clients retry). */
  maxPendingSpans: number;
  /**
   * The account a request's spans belong to, from its credential (a link token) or, without
   * one, central's own; throws a 401/403 ApiError for a bad, unknown or revoked credential.
   */
  accountOf: (req: IncomingMessage) => Account;
}

/** Reported rejections are capped so a batch of 100k bad spans does not produce a 10 MB answer. */
const MAX_REASONS = 20;

export function formatOf(contentType: string | undefined): OtlpFormat {
  const mediaType = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (mediaType === 'application/x-protobuf' || mediaType === 'application/protobuf') return 'protobuf';
  if (mediaType === 'application/json') return 'json';
  throw new ApiError(415, `content-type: "${contentType ?? ''}" is not supported; OTLP/HTTP takes application/x-protobuf or application/json`);
}

/** POST /v1/traces as OTLP/HTTP specifies: 200 with ExportTraceServiceResponse (partial_success when spans were rejected). */
export async function handleOtlpTraces(req: IncomingMessage, res: ServerResponse, options: OtlpIngestOptions): Promise<void> {
  const format = formatOf(req.headers['content-type']);
  try {
    let account: Account;
    try {
      account = options.accountOf(req);
    } catch (error) {
      req.resume();
      throw error;
    }
    if (options.writes.pendingSpans > options.maxPendingSpans) {
      req.resume();
      throw new ApiError(503, 'central is busy storing earlier batches; retry shortly', { headers: { 'retry-after': '1' } });
    }
    const deliveryId = deliveryIdOf(req, account);
    const body = await readBody(req, options.maxBodyBytes);
    let decoded: DecodedBatch;
    try {
      decoded = await options.pool.decode(body, format, account);
    } catch (error) {
      if (error instanceof WireError) throw new ApiError(400, error.message, { cause: error });
      throw error;
    }
    const { batch: spans, rejected } = decoded;
    if (rejected.length > 0 && spans.length === 0) {
      throw new ApiError(400, `all ${rejected.length} spans were rejected: ${describeRejections(decoded)}`);
    }
    await options.writes.write(spans, deliveryId);
    const errorMessage = rejected.length > 0 ? `${rejected.length} of ${rejected.length + spans.length} spans rejected: ${describeRejections(decoded)}` : '';
    sendOtlpSuccess(res, format, rejected.length, errorMessage);
  } catch (error) {
    if (error instanceof ApiError) {
      sendOtlpError(res, format, error);
      return;
    }
    throw error;
  }
}

const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * A sender that retries (the agent, from its spool) names each delivery with an Idempotency-Key;
 * the key is scoped to the credential's account, so one account cannot suppress another's data.
 */
function deliveryIdOf(req: IncomingMessage, account: Account): string | undefined {
  const key = req.headers['idempotency-key'];
  if (key === undefined) return undefined;
  if (typeof key !== 'string' || !IDEMPOTENCY_KEY.test(key)) {
    req.resume();
    throw new ApiError(400, 'idempotency-key: expected 1 to 128 letters, digits, ".", "_", ":" or "-"');
  }
  return `${account.id}/${key}`;
}

function describeRejections({ rejected }: DecodedBatch): string {
  const shown = rejected.slice(0, MAX_REASONS).map((r) => `span ${r.index} (${r.spanId || 'no id'}): ${r.reason}`);
  return shown.join('; ') + (rejected.length > MAX_REASONS ? `; and ${rejected.length - MAX_REASONS} more` : '');
}

function sendOtlpSuccess(res: ServerResponse, format: OtlpFormat, rejectedSpans: number, errorMessage: string): void {
  if (format === 'json') {
    sendJson(res, 200, rejectedSpans > 0 ? { partialSuccess: { rejectedSpans: String(rejectedSpans), errorMessage } } : {});
    return;
  }
  // ExportTraceServiceResponse { ExportTracePartialSuccess partial_success = 1 { int64 rejected_spans = 1; string error_message = 2 } }
  const writer = protobuf.Writer.create();
  if (rejectedSpans > 0) {
    writer.uint32((1 << 3) | 2).fork();
    writer.uint32((1 << 3) | 0).int64(rejectedSpans);
    writer.uint32((2 << 3) | 2).string(errorMessage);
    writer.ldelim();
  }
  sendBytes(res, 200, 'application/x-protobuf', writer.finish());
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

function grpcCodeOf(httpStatus: number): number {
  if (httpStatus === 400 || httpStatus === 415) return 3; // INVALID_ARGUMENT
  if (httpStatus === 413) return 8; // RESOURCE_EXHAUSTED
  if (httpStatus === 401) return 16; // UNAUTHENTICATED
  if (httpStatus === 403) return 7; // PERMISSION_DENIED
  if (httpStatus === 503 || httpStatus === 429) return 14; // UNAVAILABLE
  return 13; // INTERNAL
}
