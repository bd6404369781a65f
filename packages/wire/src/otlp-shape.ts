// The OTLP trace request as both encodings arrive in memory: protobufjs hands out bytes and
// Long-like {low, high} values, OTLP/JSON hex strings and decimal strings. Every field may be
// missing (proto3 defaults), so the conversion to spans checks everything.

/** fixed64 / int64 as protobufjs (Long) or JSON (decimal string or number) gives it. */
export type OtlpInt64 = { low: number; high: number } | number | string;
/** Ids as bytes (protobuf) or hex (JSON). */
export type OtlpId = Uint8Array | string;

export interface OtlpAnyValue {
  stringValue?: string | null;
  boolValue?: boolean | null;
  intValue?: OtlpInt64 | null;
  doubleValue?: number | string | null;
  arrayValue?: { values?: OtlpAnyValue[] | null } | null;
  kvlistValue?: { values?: OtlpKeyValue[] | null } | null;
  bytesValue?: Uint8Array | string | null;
}

export interface OtlpKeyValue {
  key?: string | null;
  value?: OtlpAnyValue | null;
}

export interface OtlpSpan {
  traceId?: OtlpId | null;
  spanId?: OtlpId | null;
  traceState?: string | null;
  parentSpanId?: OtlpId | null;
  name?: string | null;
  kind?: number | null;
  startTimeUnixNano?: OtlpInt64 | null;
  endTimeUnixNano?: OtlpInt64 | null;
  attributes?: OtlpKeyValue[] | null;
  events?: Array<{ timeUnixNano?: OtlpInt64 | null; name?: string | null; attributes?: OtlpKeyValue[] | null }> | null;
  links?: Array<{ traceId?: OtlpId | null; spanId?: OtlpId | null; traceState?: string | null; attributes?: OtlpKeyValue[] | null }> | null;
  status?: { code?: number | null; message?: string | null } | null;
}

export interface OtlpTraceRequest {
  resourceSpans?: Array<{
    resource?: { attributes?: OtlpKeyValue[] | null } | null;
    scopeSpans?: Array<{ scope?: { name?: string | null; version?: string | null } | null; spans?: OtlpSpan[] | null }> | null;
  }> | null;
}
