import protobuf from 'protobufjs';

// The benchmark encodes its payloads with its own copy of the OTLP trace schema (the subset an
// exporter sends), so the bytes central decodes come from an encoder that is not the code under
// test. Field numbers are those of opentelemetry-proto v1 (common, resource, trace, collector).
const OTLP_TRACE_PROTO = `
syntax = "proto3";
package opentelemetry.proto;

message AnyValue {
  oneof value {
    string string_value = 1;
    bool bool_value = 2;
    int64 int_value = 3;
    double double_value = 4;
    ArrayValue array_value = 5;
    KeyValueList kvlist_value = 6;
    bytes bytes_value = 7;
  }
}
message ArrayValue { repeated AnyValue values = 1; }
message KeyValueList { repeated KeyValue values = 1; }
message KeyValue { string key = 1; AnyValue value = 2; }
message InstrumentationScope { string name = 1; string version = 2; repeated KeyValue attributes = 3; uint32 dropped_attributes_count = 4; }
message Resource { repeated KeyValue attributes = 1; uint32 dropped_attributes_count = 2; }

message ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
message ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; string schema_url = 3; }
message ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2; string schema_url = 3; }
message Span {
  bytes trace_id = 1;
  bytes span_id = 2;
  string trace_state = 3;
  bytes parent_span_id = 4;
  fixed32 flags = 16;
  string name = 5;
  int32 kind = 6;
  fixed64 start_time_unix_nano = 7;
  fixed64 end_time_unix_nano = 8;
  repeated KeyValue attributes = 9;
  uint32 dropped_attributes_count = 10;
  repeated Event events = 11;
  uint32 dropped_events_count = 12;
  repeated Link links = 13;
  uint32 dropped_links_count = 14;
  Status status = 15;
}
message Link { bytes trace_id = 1; bytes span_id = 2; string trace_state = 3; repeated KeyValue attributes = 4; uint32 dropped_attributes_count = 5; fixed32 flags = 6; }
message Event { fixed64 time_unix_nano = 1; string name = 2; repeated KeyValue attributes = 3; uint32 dropped_attributes_count = 4; }
message Status { string message = 2; int32 code = 3; }
`;

/** SpanKind numbers on the wire (opentelemetry.proto.trace.v1.Span.SpanKind). */
export const OTLP_SPAN_KIND = { internal: 1, server: 2, client: 3, producer: 4, consumer: 5 } as const;
/** Status.StatusCode numbers on the wire. */
export const OTLP_STATUS_CODE = { unset: 0, ok: 1, error: 2 } as const;

export type OtlpAnyValue =
  | { stringValue: string }
  | { boolValue: boolean }
  | { intValue: number }
  | { doubleValue: number }
  | { arrayValue: { values: OtlpAnyValue[] } };

export interface OtlpKeyValue {
  key: string;
  value: OtlpAnyValue;
}

/** A span's link to a span of another trace (a message consumed in a trace of its own). */
export interface OtlpLink {
  traceId: Uint8Array;
  spanId: Uint8Array;
  attributes: OtlpKeyValue[];
}

export interface OtlpSpan {
  traceId: Uint8Array;
  spanId: Uint8Array;
  parentSpanId?: Uint8Array;
  flags: number;
  name: string;
  kind: number;
  /** Decimal strings: uint64 nanoseconds do not fit a double. */
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: OtlpKeyValue[];
  events: Array<{ timeUnixNano: string; name: string; attributes: OtlpKeyValue[] }>;
  /** Encoded after the span's own trace id, so the pool's re-keying finds them in order. */
  links?: OtlpLink[];
  status: { code: number; message: string };
}

export interface OtlpTraceRequest {
  resourceSpans: Array<{
    resource: { attributes: OtlpKeyValue[] };
    scopeSpans: Array<{ scope: { name: string; version: string }; spans: OtlpSpan[] }>;
  }>;
}

const root = protobuf.parse(OTLP_TRACE_PROTO).root;
const RequestType = root.lookupType('opentelemetry.proto.ExportTraceServiceRequest');

export function encodeTraceRequest(request: OtlpTraceRequest): Uint8Array {
  return RequestType.encode(request).finish();
}

/** Decodes with the bench's own schema; for tests that check what the encoder produced. */
export function decodeTraceRequest(bytes: Uint8Array): OtlpTraceRequest {
  return RequestType.toObject(RequestType.decode(bytes), { longs: String, defaults: false }) as OtlpTraceRequest;
}
