import { httpFactsOf, isValidSpanId, isValidTraceId, nanos, SPAN_KINDS, type Account, type AttributeValue, type Attributes, type Span, type SpanKind, type StatusCode } from '@stitch/model';
import type { OtlpAnyValue, OtlpId, OtlpInt64, OtlpKeyValue, OtlpSpan, OtlpTraceRequest } from './otlp-shape.ts';

export interface RejectedSpan {
  /** Position of the span in the request, counting across resources and scopes from 0. */
  index: number;
  spanId: string;
  /** Starts with the field at fault: "traceId: …". */
  reason: string;
}

export interface ConvertedSpans {
  spans: Span[];
  rejected: RejectedSpan[];
}

// OTLP numbers kinds 1..5 (0 = unspecified); our SPAN_KINDS list is in wire order from 1.
export const KIND_BY_NUMBER: readonly SpanKind[] = ['internal', ...SPAN_KINDS];
export const STATUS_BY_NUMBER: readonly StatusCode[] = ['unset', 'ok', 'error'];
const EMPTY: readonly never[] = [];

/**
 * Turns a decoded OTLP request into spans of the model, stamped with the account the transport
 * vouches for. Spans that cannot be stored (bad ids, no start, end before start) are rejected one
 * by one with the reason; the rest are kept.
 */
export function otlpToSpans(request: OtlpTraceRequest, account: Account): ConvertedSpans {
  const spans: Span[] = [];
  const rejected: RejectedSpan[] = [];
  let index = 0;
  for (const resourceSpans of request.resourceSpans ?? EMPTY) {
    const resource = resourceOf(attributesOf(resourceSpans.resource?.attributes));
    for (const scopeSpans of resourceSpans.scopeSpans ?? EMPTY) {
      const scope = { name: scopeSpans.scope?.name ?? '', version: scopeSpans.scope?.version ?? '' };
      for (const raw of scopeSpans.spans ?? EMPTY) {
        const result = toSpan(raw, resource, scope, account);
        if (typeof result === 'string') rejected.push({ index, spanId: safeHex(raw.spanId), reason: result });
        else spans.push(result);
        index += 1;
      }
    }
  }
  return { spans, rejected };
}

function toSpan(raw: OtlpSpan, resource: Span['resource'], scope: Span['scope'], account: Account): Span | string {
  const traceId = hexOf(raw.traceId);
  const spanId = hexOf(raw.spanId);
  const parent = hexOf(raw.parentSpanId);
  const start = int64ToBigInt(raw.startTimeUnixNano);
  const end = int64ToBigInt(raw.endTimeUnixNano);
  const problem = spanProblem({ traceId, spanId, parentSpanId: parent }, start, end, raw);
  if (problem !== null) return problem;
  const attributes = attributesOf(raw.attributes);
  return {
    traceId,
    spanId,
    parentSpanId: parent === '' ? null : parent,
    traceState: raw.traceState ?? '',
    name: raw.name ?? '',
    kind: KIND_BY_NUMBER[raw.kind ?? 0] ?? 'internal',
    // spanProblem has checked both times
    startTimeUnixNano: nanos(start!),
    endTimeUnixNano: nanos(end!),
    status: { code: STATUS_BY_NUMBER[raw.status?.code ?? 0] ?? 'unset', message: raw.status?.message ?? '' },
    http: httpFactsOf(attributes),
    attributes,
    events: (raw.events ?? EMPTY).map((event) => ({
      name: event.name ?? '',
      timeUnixNano: nanos(int64ToBigInt(event.timeUnixNano) ?? 0n),
      attributes: attributesOf(event.attributes),
    })),
    links: (raw.links ?? EMPTY).map((link) => ({
      traceId: hexOf(link.traceId),
      spanId: hexOf(link.spanId),
      traceState: link.traceState ?? '',
      attributes: attributesOf(link.attributes),
    })),
    resource,
    scope,
    account,
  };
}

export interface SpanIds {
  traceId: string;
  spanId: string;
  /** '' for a root span. */
  parentSpanId: string;
}

/**
 * Why a span cannot be stored (starting with the field at fault), or null. Ids come as hex;
 * `sent` holds them as the request spelled them (JSON text) for the message, or is absent
 * when they came as bytes.
 */
export function spanProblem(ids: SpanIds, start: bigint | null, end: bigint | null, sent?: Pick<OtlpSpan, keyof SpanIds>): string | null {
  if (!isValidTraceId(ids.traceId)) return `traceId: ${describeId(asSent(ids, 'traceId', sent), 16)}`;
  if (!isValidSpanId(ids.spanId)) return `spanId: ${describeId(asSent(ids, 'spanId', sent), 8)}`;
  if (ids.parentSpanId !== '' && !isValidSpanId(ids.parentSpanId)) return `parentSpanId: ${describeId(asSent(ids, 'parentSpanId', sent), 8)} (leave it empty for a root span)`;
  if (start === null || start <= 0n) return 'startTimeUnixNano: missing or not a positive uint64';
  if (end === null || end < start) return 'endTimeUnixNano: missing or before startTimeUnixNano';
  if (end > LATEST_NANOS) return 'endTimeUnixNano: after 2262, beyond what a signed 64-bit count of nanoseconds holds';
  return null;
}

/** Stores keep times as signed 64-bit nanoseconds: a later uint64 would be stored as a negative time. */
export const LATEST_NANOS = 2n ** 63n - 1n;

function asSent(ids: SpanIds, field: keyof SpanIds, sent: Pick<OtlpSpan, keyof SpanIds> | undefined): OtlpId | null | undefined {
  return sent ? sent[field] : Buffer.from(ids[field], 'hex');
}

/** The resource of a process; its service is `service.name`, as OpenTelemetry defines it. */
export function resourceOf(attributes: Attributes): Span['resource'] {
  const name = attributes['service.name'];
  return { serviceName: typeof name === 'string' && name !== '' ? name : 'unknown_service', attributes };
}

export function hexOf(id: OtlpId | null | undefined): string {
  if (id === null || id === undefined) return '';
  if (typeof id === 'string') return id.toLowerCase();
  return (Buffer.isBuffer(id) ? id : Buffer.from(id.buffer, id.byteOffset, id.byteLength)).toString('hex');
}

export function safeHex(id: OtlpId | null | undefined): string {
  const hex = hexOf(id);
  return hex.length <= 32 ? hex : `${hex.slice(0, 32)}…`;
}

export function describeId(id: OtlpId | null | undefined, bytes: number): string {
  const hex = hexOf(id);
  if (hex === '') return 'missing';
  if (typeof id === 'string') return `"${id.slice(0, 40)}" is not ${bytes * 2} hex characters, not all zero`;
  return hex === '0'.repeat(bytes * 2) ? 'all zero (invalid)' : `${hex.length / 2} bytes, expected ${bytes}`;
}

/** uint64/int64 from protobufjs Long bits, a decimal string or a number; null when unreadable. */
export function int64ToBigInt(value: OtlpInt64 | null | undefined): bigint | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'object') return (BigInt(value.high >>> 0) << 32n) | BigInt(value.low >>> 0);
  // Numbers beyond 2^53 have lost precision on the way in, but they are still the sender's time.
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 ? BigInt(value) : null;
  return /^\d{1,20}$/.test(value) ? BigInt(value) : null;
}

export function attributesOf(list: readonly OtlpKeyValue[] | null | undefined): Attributes {
  const attributes: Attributes = {};
  if (!list) return attributes;
  for (const kv of list) {
    if (!kv.key) continue;
    const value = attributeValue(kv.value);
    if (value !== undefined) attributes[kv.key] = value;
  }
  return attributes;
}

type Scalar = string | number | boolean;

function scalarOf(value: OtlpAnyValue): Scalar | undefined {
  if (value.stringValue !== null && value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== null && value.boolValue !== undefined) return value.boolValue;
  if (value.intValue !== null && value.intValue !== undefined) return intValue(value.intValue);
  if (value.doubleValue !== null && value.doubleValue !== undefined) return Number(value.doubleValue);
  if (value.bytesValue !== null && value.bytesValue !== undefined) {
    return typeof value.bytesValue === 'string' ? value.bytesValue : Buffer.from(value.bytesValue).toString('base64');
  }
  return undefined;
}

// int64 attributes beyond 2^53 stay exact as decimal strings rather than rounding silently.
export function intValue(raw: OtlpInt64): number | string {
  // protobufjs Long bits: most values fit a double, no BigInt needed (the ingest hot path).
  if (typeof raw === 'object' && raw.high >= -0x200000 && raw.high < 0x200000) return raw.high * 4_294_967_296 + (raw.low >>> 0);
  const value = int64ToBigInt(typeof raw === 'object' ? raw : String(raw).replace(/^-/, ''));
  if (value === null) return String(raw);
  const signed = typeof raw === 'object' ? BigInt.asIntN(64, value) : String(raw).startsWith('-') ? -value : value;
  return signed >= BigInt(Number.MIN_SAFE_INTEGER) && signed <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(signed) : signed.toString();
}

export function attributeValue(value: OtlpAnyValue | null | undefined): AttributeValue | undefined {
  if (!value) return undefined;
  const scalar = scalarOf(value);
  if (scalar !== undefined) return scalar;
  if (value.arrayValue) {
    const items = (value.arrayValue.values ?? EMPTY).map(scalarOf);
    const first = typeof items[0];
    // The model keeps homogeneous scalar arrays; anything else is kept readable as JSON.
    if (items.every((item) => item !== undefined && typeof item === first)) return items as Scalar[];
    return JSON.stringify((value.arrayValue.values ?? EMPTY).map(plainOf));
  }
  if (value.kvlistValue) return JSON.stringify(plainOf(value));
  return undefined;
}

function plainOf(value: OtlpAnyValue | null | undefined): unknown {
  if (!value) return null;
  const scalar = scalarOf(value);
  if (scalar !== undefined) return scalar;
  if (value.arrayValue) return (value.arrayValue.values ?? EMPTY).map(plainOf);
  if (value.kvlistValue) return Object.fromEntries((value.kvlistValue.values ?? EMPTY).map((kv) => [kv.key ?? '', plainOf(kv.value)]));
  return null;
}
