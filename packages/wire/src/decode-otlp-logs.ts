import { isValidSpanId, isValidTraceId, limitLogRecord, nanos, severityNameOf, type Account, type LogRecord } from '@stitch/model';
import rootModule from 'otlp-proto-codegen/build/src/generated/root.js';
import type { OtlpFormat } from './decode-otlp.ts';
import { asBuffer } from './as-buffer.ts';
import { parseOtlpJson } from './decode-otlp.ts';
import { otlpLogsRequestJson } from './otlp-logs-json-schema.ts';
import type { OtlpLogRecord, OtlpLogsRequest } from './otlp-logs-shape.ts';
import { attributesOf, attributeValue, describeId, hexOf, int64ToBigInt, LATEST_NANOS, resourceOf } from './otlp-to-spans.ts';
import { WireError } from './wire-error.ts';

/** A record of the request that cannot be stored, with why (starting with the field at fault). */
export interface RejectedLog {
  /** Position in the request, counting across resources and scopes from 0. */
  index: number;
  reason: string;
}

export interface DecodedLogs {
  records: LogRecord[];
  rejected: RejectedLog[];
  /** Records kept with their body or attributes cut to LOG_LIMITS. */
  limitedRecords: number;
}

interface GeneratedLogsRequest {
  decode(bytes: Uint8Array): OtlpLogsRequest;
  encode(message: OtlpLogsRequest): { finish(): Uint8Array };
  fromObject(object: unknown): OtlpLogsRequest;
}

// The official opentelemetry-proto definitions' generated code, as the traces' decoder uses it (otlp-generated.ts).
const ExportLogsServiceRequest = (rootModule as unknown as { opentelemetry: { proto: { collector: { logs: { v1: { ExportLogsServiceRequest: GeneratedLogsRequest } } } } } }).opentelemetry.proto.collector.logs.v1
  .ExportLogsServiceRequest;

const EMPTY: readonly never[] = [];

/** Decodes an OTLP/HTTP ExportLogsServiceRequest body. Throws WireError when the body as a whole is unreadable. */
export function decodeOtlpLogs(body: Uint8Array, format: OtlpFormat, account: Account): DecodedLogs {
  return otlpToLogs(format === 'protobuf' ? parseProtobuf(body) : parseOtlpJson(body, otlpLogsRequestJson), account);
}

/** Encodes a request object (ids as bytes, times as decimal strings) with the official schema: for clients and tests. */
export function encodeOtlpLogsProtobuf(request: unknown): Uint8Array {
  return ExportLogsServiceRequest.encode(ExportLogsServiceRequest.fromObject(request)).finish();
}

/** Log records of the request, stamped with the account the transport vouches for; unstorable ones refused one by one. */
export function otlpToLogs(request: OtlpLogsRequest, account: Account): DecodedLogs {
  const records: LogRecord[] = [];
  const rejected: RejectedLog[] = [];
  let limitedRecords = 0;
  let index = 0;
  for (const resourceLogs of request.resourceLogs ?? EMPTY) {
    const { serviceName } = resourceOf(attributesOf(resourceLogs.resource?.attributes));
    for (const scopeLogs of resourceLogs.scopeLogs ?? EMPTY) {
      for (const raw of scopeLogs.logRecords ?? EMPTY) {
        const record = toLogRecord(raw, serviceName, account);
        if (typeof record === 'string') rejected.push({ index, reason: record });
        else {
          const limited = limitLogRecord(record);
          if (limited !== record) limitedRecords += 1;
          records.push(limited);
        }
        index += 1;
      }
    }
  }
  return { records, rejected, limitedRecords };
}

function toLogRecord(raw: OtlpLogRecord, serviceName: string, account: Account): LogRecord | string {
  // OTLP: the event's time when known, else when the collector saw it.
  const time = positive(int64ToBigInt(raw.timeUnixNano)) ?? positive(int64ToBigInt(raw.observedTimeUnixNano));
  if (time === null) return 'timeUnixNano: missing or not a positive uint64 (and no observedTimeUnixNano)';
  if (time > LATEST_NANOS) return 'timeUnixNano: after 2262, beyond what a signed 64-bit count of nanoseconds holds';
  const traceId = hexOf(raw.traceId);
  const spanId = hexOf(raw.spanId);
  // An empty id means "no trace"; a malformed one would silently detach the line from its trace.
  if (traceId !== '' && !isValidTraceId(traceId)) return `traceId: ${describeId(raw.traceId, 16)} (leave it empty for a line of no trace)`;
  if (spanId !== '' && !isValidSpanId(spanId)) return `spanId: ${describeId(raw.spanId, 8)} (leave it empty for a line of no span)`;
  const severityNumber = raw.severityNumber ?? 0;
  if (!Number.isInteger(severityNumber) || severityNumber < 0 || severityNumber > 24) return `severityNumber: ${String(severityNumber).slice(0, 20)} is not 0 to 24`;
  const body = attributeValue(raw.body);
  return {
    timeUnixNano: nanos(time),
    severityNumber,
    severityText: raw.severityText || severityNameOf(severityNumber),
    body: body === undefined ? '' : typeof body === 'string' ? body : Array.isArray(body) ? JSON.stringify(body) : String(body),
    traceId,
    spanId: traceId === '' ? '' : spanId,
    serviceName,
    attributes: attributesOf(raw.attributes),
    account,
  };
}

const positive = (value: bigint | null) => (value !== null && value > 0n ? value : null);

function parseProtobuf(body: Uint8Array): OtlpLogsRequest {
  try {
    return ExportLogsServiceRequest.decode(asBuffer(body));
  } catch (error) {
    throw new WireError(`protobuf: not a valid ExportLogsServiceRequest (${(error as Error).message})`, { cause: error });
  }
}
