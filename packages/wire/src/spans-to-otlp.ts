import protobuf from 'protobufjs/minimal.js';
import { ExportTraceServiceRequest } from './otlp-generated.ts';
import type { AttributeValue, Attributes, Span } from '@stitch/model';
import { KIND_BY_NUMBER, STATUS_BY_NUMBER } from './otlp-to-spans.ts';

/** An attribute value as OTLP/JSON writes it (an AnyValue). */
export type OtlpJsonValue = { stringValue: string } | { boolValue: boolean } | { intValue: string } | { doubleValue: number } | { arrayValue: { values: OtlpJsonValue[] } };

export function otlpJsonValue(value: AttributeValue): OtlpJsonValue {
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  if (typeof value === 'number') return Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value };
  return { arrayValue: { values: value.map(otlpJsonValue) } };
}

export const keyValues = (attributes: Attributes) => Object.entries(attributes).map(([key, value]) => ({ key, value: otlpJsonValue(value) }));

/**
 * Spans as an OTLP/JSON ExportTraceServiceRequest (what the agent forwards for spans it made
 * itself, from X-Ray segments), grouped by resource and scope as exporters do. The account is
 * not in it: the receiver decides it from the link credential.
 */
export function spansToOtlpJson(spans: readonly Span[]): object {
  const resources = new Map<string, { resource: Span['resource']; scopes: Map<string, { scope: Span['scope']; spans: Span[] }> }>();
  for (const span of spans) {
    const resourceKey = JSON.stringify(span.resource.attributes);
    let resource = resources.get(resourceKey);
    if (!resource) resources.set(resourceKey, (resource = { resource: span.resource, scopes: new Map() }));
    const scopeKey = `${span.scope.name}\u0000${span.scope.version}`;
    let scope = resource.scopes.get(scopeKey);
    if (!scope) resource.scopes.set(scopeKey, (scope = { scope: span.scope, spans: [] }));
    scope.spans.push(span);
  }
  return {
    resourceSpans: [...resources.values()].map(({ resource, scopes }) => ({
      resource: { attributes: keyValues({ 'service.name': resource.serviceName, ...resource.attributes }) },
      scopeSpans: [...scopes.values()].map(({ scope, spans: scoped }) => ({
        scope: { name: scope.name, version: scope.version },
        spans: scoped.map((span) => ({
          traceId: span.traceId,
          spanId: span.spanId,
          parentSpanId: span.parentSpanId ?? '',
          traceState: span.traceState,
          name: span.name,
          // lastIndexOf: number 0 (unspecified) also reads as internal; internal is written as 1.
          kind: KIND_BY_NUMBER.lastIndexOf(span.kind),
          startTimeUnixNano: span.startTimeUnixNano.toString(),
          endTimeUnixNano: span.endTimeUnixNano.toString(),
          attributes: keyValues(span.attributes),
          events: span.events.map((event) => ({ name: event.name, timeUnixNano: event.timeUnixNano.toString(), attributes: keyValues(event.attributes) })),
          links: span.links.map((link) => ({ traceId: link.traceId, spanId: link.spanId, traceState: link.traceState, attributes: keyValues(link.attributes) })),
          status: { code: STATUS_BY_NUMBER.indexOf(span.status.code), message: span.status.message },
        })),
      })),
    })),
  };
}

/** The spans as OTLP protobuf (an ExportTraceServiceRequest; Tempo's tempopb.Trace has the same wire form). */
export function spansToOtlpProtobuf(spans: readonly Span[]): Uint8Array {
  const request = spansToOtlpJson(spans) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<Record<string, unknown> & { links: Array<Record<string, unknown>> }> }> }> };
  const bytes = (hex: unknown) => Buffer.from(String(hex), 'hex');
  for (const resource of request.resourceSpans) {
    for (const scope of resource.scopeSpans) {
      for (const span of scope.spans) {
        for (const id of ['traceId', 'spanId', 'parentSpanId'] as const) span[id] = bytes(span[id]);
        for (const link of span.links) for (const id of ['traceId', 'spanId'] as const) link[id] = bytes(link[id]);
      }
    }
  }
  return ExportTraceServiceRequest.encode(ExportTraceServiceRequest.fromObject(request)).finish();
}

/** OTLP protobuf as protobuf's own JSON mapping: ids in base64, enums by name, 64-bit integers as strings (what Tempo answers as JSON). */
export function otlpProtobufAsProtoJson(message: Uint8Array): Record<string, unknown> {
  return ExportTraceServiceRequest.toObject(ExportTraceServiceRequest.decode(message), { bytes: String, enums: String, longs: String });
}

/** `message` as field `field` of an enclosing message (length-delimited), e.g. Tempo's TraceByIDResponse.trace. */
export function asMessageField(field: number, message: Uint8Array): Uint8Array {
  return protobuf.Writer.create().uint32((field << 3) | 2).bytes(message).finish();
}
