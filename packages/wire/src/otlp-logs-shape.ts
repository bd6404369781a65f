// The OTLP logs request as both encodings arrive in memory (see otlp-shape.ts): protobufjs hands
// out bytes and Long-like values, OTLP/JSON hex and decimal strings; every field may be missing.
import type { OtlpAnyValue, OtlpId, OtlpInt64, OtlpKeyValue } from './otlp-shape.ts';

export interface OtlpLogRecord {
  timeUnixNano?: OtlpInt64 | null;
  observedTimeUnixNano?: OtlpInt64 | null;
  severityNumber?: number | null;
  severityText?: string | null;
  body?: OtlpAnyValue | null;
  attributes?: OtlpKeyValue[] | null;
  traceId?: OtlpId | null;
  spanId?: OtlpId | null;
}

export interface OtlpLogsRequest {
  resourceLogs?: Array<{
    resource?: { attributes?: OtlpKeyValue[] | null } | null;
    scopeLogs?: Array<{ scope?: { name?: string | null; version?: string | null } | null; logRecords?: OtlpLogRecord[] | null }> | null;
  }> | null;
}
