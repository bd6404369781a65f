import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, formatOf, type BodyBudget, type BodyHold, type LogsPartialSuccess, logsPartialSuccessOf, readBody, sendOtlpError, sendOtlpLogsSuccess } from '@stitch/http';
import { LOG_LIMITS, type Account } from '@stitch/model';
import type { RecentKeys } from '@stitch/cost';
import type { LogWrites } from '@stitch/store';
import { decodeOtlpLogs, WireError, type OtlpFormat } from '@stitch/wire';
import { deliveryIdOf } from './delivery-id.ts';

export interface LogIngestOptions {
  store: LogWrites;
  maxBodyBytes: number;
  /** Bytes of bodies read at once, until decoded (shared with /v1/traces). */
  bodies: BodyBudget;
  /** More records than this in one request: a 413 (the spans' limit). */
  maxRecordsPerRequest: number;
  /**
   * Delivery ids this process stored, so that a sender's retry after a lost answer is not stored
   * twice. In memory and bounded: after a restart a retry may store a batch again.
   */
  deliveries: RecentKeys;
}

/**
 * POST /v1/logs as OTLP/HTTP specifies: protobuf or JSON (gzip or deflate), 200 with an
 * ExportLogsServiceResponse once the records are stored; partial_success names those refused.
 * `account`: what the request's credential speaks for (the caller has checked it).
 */
export async function handleOtlpLogs(req: IncomingMessage, res: ServerResponse, options: LogIngestOptions, account: Account): Promise<void> {
  if (req.method !== 'POST') throw new ApiError(405, 'method: /v1/logs takes POST', { headers: { allow: 'POST' } });
  const format = formatOf(req.headers['content-type']);
  try {
    const deliveryId = deliveryIdOf(req.headers['idempotency-key'], account, () => req.resume());
    sendOtlpLogsSuccess(res, format, await ingestLogs({ format, deliveryId, read: (hold) => readBody(req, options.maxBodyBytes, hold) }, options, account));
  } catch (error) {
    if (error instanceof ApiError) {
      sendOtlpError(res, format, error);
      return;
    }
    throw error;
  }
}

/** One OTLP logs export, whatever carried it: its encoding, the sender's delivery id, and its body (decompressed) as read into `hold`. */
export interface LogsExport {
  format: OtlpFormat;
  deliveryId: string | undefined;
  read(hold: BodyHold): Promise<Buffer>;
}

/** Decodes, checks and stores one export's records (once per delivery id); answers its partial success, or throws the ApiError to answer. */
export async function ingestLogs(received: LogsExport, options: LogIngestOptions, account: Account): Promise<LogsPartialSuccess> {
  const hold = options.bodies.open();
  let decoded;
  try {
    decoded = decodeOtlpLogs(await received.read(hold), received.format, account);
  } catch (error) {
    if (error instanceof WireError) throw new ApiError(400, error.message, { cause: error });
    throw error;
  } finally {
    hold.release();
  }
  const total = decoded.records.length + decoded.rejected.length;
  if (total > options.maxRecordsPerRequest) {
    throw new ApiError(413, `logRecords: ${total} log records in one request exceed the limit of ${options.maxRecordsPerRequest} per request (split the batch or raise --max-spans-per-request)`);
  }
  const warning = decoded.limitedRecords === 0 ? '' : `body: ${decoded.limitedRecords} log records were kept cut to the limits (${LOG_LIMITS.bodyChars} characters of body, ${LOG_LIMITS.attributesPerRecord} attributes; see stitch.limited_attributes)`;
  const partial = logsPartialSuccessOf(decoded.records.length, decoded.rejected, warning);
  const { deliveryId } = received;
  if (deliveryId === undefined || !options.deliveries.has(deliveryId)) {
    await options.store.writeLogs(decoded.records);
    if (deliveryId !== undefined) options.deliveries.set(deliveryId, true);
  }
  return partial;
}
