import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, formatOf, type BodyHold, type LogsPartialSuccess, logsPartialSuccessOf, readBody, sendJson, sendOtlpError, sendOtlpLogsSuccess } from '@stitch/http';
import { nanos, type Account } from '@stitch/model';
import { decodeOtlpLogs, logsToOtlpJson, parseJsonLinesLogs, WireError, type OtlpFormat } from '@stitch/wire';
import type { Forwarder } from '../forwarder.ts';

export interface LogReceiverOptions {
  account: Account;
  /** Spools what is accepted and carries it to central's /v1/logs with the link token. */
  forwarder: Forwarder;
  maxBodyBytes: number;
  /** Records (or lines) in one request: more is a 413 (the spans' limit). */
  maxRecordsPerRequest: number;
  /** After central refused the link, how long new logs are refused at the door. */
  refusalHoldMs: number;
}

/** Reasons shown for refused lines: enough to fix the logger, not a megabyte of answer. */
const MAX_REASONS = 20;

/**
 * The agent's logs: OTLP/HTTP (`POST /v1/logs`, protobuf or JSON) and JSON lines
 * (`POST /v1/logs/jsonl`). Everything is read and checked before the answer (once answered 200,
 * no one is left to tell that central could not read it), then spooled like spans: a 200 means
 * on disk, delivered to central with retries.
 */
export async function receiveLogs(req: IncomingMessage, res: ServerResponse, path: '/v1/logs' | '/v1/logs/jsonl', options: LogReceiverOptions, hold: BodyHold): Promise<void> {
  if (path === '/v1/logs/jsonl') return receiveJsonLines(req, res, options, hold);
  let format: OtlpFormat = 'json';
  try {
    format = formatOf(req.headers['content-type']);
    sendOtlpLogsSuccess(res, format, await acceptOtlpLogs(await readBody(req, options.maxBodyBytes, hold), format, options));
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    sendOtlpError(res, format, error);
  }
}

/** One OTLP logs export (decompressed), over HTTP or gRPC: checked, then spooled for central as it came. */
export async function acceptOtlpLogs(body: Buffer, format: OtlpFormat, options: LogReceiverOptions): Promise<LogsPartialSuccess> {
  refuseWhileCentralRefuses(options);
  let decoded;
  try {
    decoded = decodeOtlpLogs(body, format, options.account);
  } catch (error) {
    if (error instanceof WireError) throw new ApiError(400, error.message, { cause: error });
    throw error;
  }
  refuseOverLimit(decoded.records.length + decoded.rejected.length, options.maxRecordsPerRequest, 'logRecords');
  const partial = logsPartialSuccessOf(decoded.records.length, decoded.rejected);
  await options.forwarder.accept(body, format);
  return partial;
}

/** One JSON object per line; answered `{ accepted, rejected: [{ line, reason }] }`. */
async function receiveJsonLines(req: IncomingMessage, res: ServerResponse, options: LogReceiverOptions, hold: BodyHold): Promise<void> {
  refuseWhileCentralRefuses(options);
  const body = await readBody(req, options.maxBodyBytes, hold);
  const text = body.toString('utf8');
  const { records, rejected } = parseJsonLinesLogs(text, options.account, nanos(BigInt(Date.now()) * 1_000_000n));
  refuseOverLimit(records.length + rejected.length, options.maxRecordsPerRequest, 'lines');
  const shown = rejected.slice(0, MAX_REASONS);
  if (records.length === 0 && rejected.length > 0) {
    throw new ApiError(400, `lines: all ${rejected.length} lines were refused: ${shown.map((r) => `line ${r.line}: ${r.reason}`).join('; ')}`, { details: { rejected: shown } });
  }
  if (records.length > 0) await options.forwarder.accept(Buffer.from(JSON.stringify(logsToOtlpJson(records))), 'json');
  sendJson(res, 200, { accepted: records.length, rejectedLines: rejected.length, rejected: shown });
}

function refuseOverLimit(count: number, limit: number, field: string): void {
  if (count > limit) throw new ApiError(413, `${field}: ${count} ${field === 'lines' ? 'lines' : 'log records'} in one request exceed the limit of ${limit} per request (split the batch or raise --max-spans-per-request)`);
}

function refuseWhileCentralRefuses(options: LogReceiverOptions): void {
  const refusal = options.forwarder.refusal;
  if (refusal && Date.now() - refusal.atMs < options.refusalHoldMs) throw new ApiError(refusal.status, `central refuses this agent's logs: ${refusal.message}`);
}
