import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, contentEncodingOf, decompressBody, formatOf, type BodyBudget, type BodyHold, type PartialSuccess, partialSuccessOf, receiveBody, refuseOverSpanLimit, sendOtlpError, sendOtlpSuccess } from '@stitch/http';
import { SPAN_LIMITS } from '@stitch/model';
import type { Account, SpanBatch } from '@stitch/model';
import { WireError, type DecodedBatch, type OtlpFormat } from '@stitch/wire';
import type { DecodePool } from './decode-pool.ts';
import { deliveryIdOf } from './delivery-id.ts';
import type { AdmissionTicket, IngestAdmission } from './ingest-admission.ts';
import { clockMicros, type StageTimes } from './stage-times.ts';
import type { TailSampling } from './tail-sampling.ts';
import type { TraceSizeLimit } from './trace-size-limit.ts';
import type { WriteQueue } from './write-queue.ts';

export interface OtlpIngestOptions {
  pool: DecodePool;
  writes: WriteQueue;
  maxBodyBytes: number;
  /** Bytes of bodies read at once, until decoded (shared with /v1/logs). */
  bodies: BodyBudget;
  /** More spans than this in one request: a 413. */
  maxSpansPerRequest: number;
  traceSizeLimit: TraceSizeLimit;
  /** Beyond this many spans waiting for the store, new requests get 503 + Retry-After (OTLP clients retry): the hard limit. */
  maxPendingSpans: number;
  /** Sheds requests before their bodies are read while the store is behind, and paces reading and decoding. */
  admission: IngestAdmission;
  /** Where each request's time goes, and how requests ended. */
  times: StageTimes;
  /** Told of every accepted batch (stored, or held for tail sampling) with the request's payload size (after decompression). */
  onIngested?: (batch: SpanBatch, requestBytes: number) => void;
  /** Why the figures counted from stored spans cannot be saved now (null when they can): ingest waits for them (503). */
  figuresUnavailable?: () => Promise<string | null>;
  /** With tail sampling, accepted spans wait here for their trace's decision instead of being stored now; kept spans it could not store yet count as waiting for the store. */
  tailSampling?: Pick<TailSampling, 'hold' | 'unstoredSpans'>;
}

/** Spans accepted and not stored yet: queued for the store, or kept by tail sampling and held after a failed write. */
const spansWaiting = (options: OtlpIngestOptions) => options.writes.pendingSpans + (options.tailSampling?.unstoredSpans ?? 0);

/**
 * One OTLP trace export as ingest sees it, whatever carried it (OTLP/HTTP, OTLP/gRPC): what can be
 * judged before its body is read, then the body.
 */
export interface TraceExport {
  format: OtlpFormat;
  /** The body's size as the sender declared it before sending it (Content-Length), if it did. */
  declaredBytes: number | null;
  /** The sender's name for this delivery, scoped to the account (delivery-id.ts); undefined: none. */
  deliveryId(): string | undefined;
  /** The body as received and as decoded (decompressed), each byte taken from `hold` as it arrives. */
  receive(hold: BodyHold): Promise<{ raw: Buffer; body: Buffer; encoding: string }>;
  /** Refused before its body is read: the body is dropped unread. */
  discard(): void;
}

/**
 * POST /v1/traces as OTLP/HTTP specifies: 200 with ExportTraceServiceResponse (partial_success
 * when spans were rejected, or kept with attributes cut). `account`: what the request's credential speaks for (the caller has checked it). */
export async function handleOtlpTraces(req: IncomingMessage, res: ServerResponse, options: OtlpIngestOptions, account: Account): Promise<void> {
  const format = formatOf(req.headers['content-type']);
  const declared = Number(req.headers['content-length']);
  const received: TraceExport = {
    format,
    declaredBytes: Number.isSafeInteger(declared) && declared >= 0 ? declared : null,
    deliveryId: () => deliveryIdOf(req.headers['idempotency-key'], account, () => req.resume()),
    async receive(hold) {
      let started = clockMicros();
      const raw = await receiveBody(req, options.maxBodyBytes, hold);
      started = options.times.since('read-body', started);
      const body = await decompressBody(req, raw, options.maxBodyBytes, hold);
      options.times.since('decompress', started);
      return { raw, body, encoding: contentEncodingOf(req) };
    },
    discard: () => req.resume(),
  };
  try {
    sendOtlpSuccess(res, format, await ingestTraces(received, options, account));
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    sendOtlpError(res, format, error);
  }
}

/**
 * Takes one export: sheds it while the store is behind, reads and decodes it in turn, checks its
 * limits, and holds its spans for tail sampling or has them written (or made durable in the
 * ingest log). Answers what OTLP's partial_success says, or throws the ApiError to answer instead.
 */
export async function ingestTraces(received: TraceExport, options: OtlpIngestOptions, account: Account): Promise<PartialSuccess> {
  const { times } = options;
  const { format } = received;
  let ticket: AdmissionTicket | null = null;
  let wasShed = false;
  /** Refuses the request as overload before its body is read: the body is discarded unread. */
  const shed = (error: ApiError) => {
    received.discard();
    wasShed = true;
    return error;
  };
  try {
    let started = clockMicros();
    if (spansWaiting(options) > options.maxPendingSpans) throw shed(storeBehind(options.maxPendingSpans));
    const decision = options.admission.admit(received.declaredBytes);
    if (!decision.admitted) throw shed(new ApiError(503, decision.reason, { headers: { 'retry-after': String(decision.retryAfterS) } }));
    ticket = decision.ticket;
    const figuresFailure = await options.figuresUnavailable?.();
    if (figuresFailure) {
      received.discard();
      throw new ApiError(503, `store unavailable: the service map and metrics of stored spans cannot be saved (${figuresFailure}); retry shortly`, { headers: { 'retry-after': String(STORE_RETRY_AFTER_S) } });
    }
    const deliveryId = received.deliveryId();
    // The checks before the body and after decoding are one stage, added once.
    const checksMicros = clockMicros() - started;
    await ticket.turn();
    const hold = options.bodies.open();
    let bodyBytes: number;
    let decoded: DecodedBatch;
    let raw: Buffer;
    let encoding: string;
    try {
      const body = await received.receive(hold);
      ({ raw, encoding } = body);
      bodyBytes = body.body.length;
      decoded = await options.pool.decode(body.body, format, account);
      ticket.decoded({ spans: decoded.batch.length + decoded.rejected.length, bodyBytes: raw.length });
    } catch (error) {
      if (error instanceof WireError) throw new ApiError(400, error.message, { cause: error });
      throw error;
    } finally {
      hold.release();
      ticket.decoded();
    }
    started = clockMicros();
    refuseOverSpanLimit(decoded.batch.length + decoded.rejected.length, options.maxSpansPerRequest);
    // The hard limit again, now that the spans are counted: requests arriving together all passed the first check.
    const waiting = spansWaiting(options);
    if (waiting > 0 && waiting + decoded.batch.length > options.maxPendingSpans) throw storeBehind(options.maxPendingSpans);
    started = times.since('checks', started - checksMicros);
    const admitted = options.traceSizeLimit.admit(decoded.batch, decoded.rejected);
    times.since('trace-limits', started);
    const batch = admitted.batch;
    const warning = decoded.limitedSpans === 0 ? '' : `attributes: ${decoded.limitedSpans} spans were kept with attributes cut to the limits (${SPAN_LIMITS.attributesPerSpan} attributes a span, ${SPAN_LIMITS.attributeValueChars} characters a value; see stitch.limited_attributes)`;
    const partial = partialSuccessOf(batch.length, [...decoded.rejected, ...admitted.rejected], warning);
    if (options.tailSampling) {
      options.tailSampling.hold(batch);
      options.onIngested?.(batch, bodyBytes);
    } else if (options.writes.logged && batch.length > 0) {
      // Durable in the ingest log, then answered; stored with others a moment later.
      const meta = { accountId: account.id, accountLabel: account.label, format, encoding, deliveryId: deliveryId ?? `${account.id}/central:${randomUUID()}` };
      await options.writes.accept(batch, { meta, body: raw }, () => options.onIngested?.(batch, bodyBytes), deliveryId === undefined).catch((error: Error) => {
        throw new ApiError(503, `ingest log: the request could not be made durable (${error.message}); retry shortly`, { cause: error, headers: { 'retry-after': String(STORE_RETRY_AFTER_S) } });
      });
    } else if ((await options.writes.write(batch, deliveryId)) === 'stored') {
      options.onIngested?.(batch, bodyBytes);
    }
    ticket.answered();
    times.answered('stored', batch.length);
    return partial;
  } catch (error) {
    ticket?.answered();
    times.answered(wasShed ? 'shed' : 'refused');
    throw error;
  }
}

/** What a sender is told to wait when the store fails (a full disk): OTLP exporters and the agent retry after it. */
export const STORE_RETRY_AFTER_S = 2;

/** The store has fallen behind: OTLP exporters and the agent wait Retry-After and send again. */
const storeBehind = (limit: number) =>
  new ApiError(503, `ingest: over ${limit} spans are waiting for the store (the limit of spans waiting); retry shortly`, { headers: { 'retry-after': '1' } });
