import type { Nanos } from './units.ts';

export const SPAN_KINDS = ['internal', 'server', 'client', 'producer', 'consumer'] as const;
export type SpanKind = (typeof SPAN_KINDS)[number];

export const STATUS_CODES = ['unset', 'ok', 'error'] as const;
export type StatusCode = (typeof STATUS_CODES)[number];

/** Attribute values as OpenTelemetry allows them: scalars and homogeneous arrays. */
export type AttributeValue = string | number | boolean | readonly (string | number | boolean)[];
export type Attributes = Record<string, AttributeValue>;

export interface SpanStatus {
  code: StatusCode;
  message: string;
}

/** HTTP facts lifted out of the attributes (old and new semantic-convention names). */
export interface HttpFacts {
  method: string | null;
  route: string | null;
  url: string | null;
  statusCode: number | null;
}

export interface SpanEvent {
  name: string;
  timeUnixNano: Nanos;
  attributes: Attributes;
}

export interface SpanLink {
  traceId: string;
  spanId: string;
  traceState: string;
  attributes: Attributes;
}

export interface Resource {
  serviceName: string;
  attributes: Attributes;
}

export interface InstrumentationScope {
  name: string;
  version: string;
}

/**
 * The account a span belongs to. Decided by the transport (the link credential,
 * or central's own default for direct ingest), never by the payload.
 */
export interface Account {
  id: string;
  label: string;
}

export interface Span {
  traceId: string; // 32 lowercase hex
  spanId: string; // 16 lowercase hex
  parentSpanId: string | null;
  traceState: string;
  name: string;
  kind: SpanKind;
  startTimeUnixNano: Nanos;
  endTimeUnixNano: Nanos;
  status: SpanStatus;
  http: HttpFacts;
  attributes: Attributes;
  events: SpanEvent[];
  links: SpanLink[];
  resource: Resource;
  scope: InstrumentationScope;
  account: Account;
}

/** What a span's outcome is read from (spanOutcome): its status code and HTTP status. */
export interface SpanResult {
  status: Pick<SpanStatus, 'code'>;
  http: Pick<HttpFacts, 'statusCode'>;
}

/**
 * A span without its detail (attributes, events, links, the resource's attributes, scope, trace
 * state, status message, HTTP request): what placing it in its trace, timing it and marking its
 * errors need. A huge trace is read and sent as outlines, each span's detail when it is opened.
 * Every Span is one.
 */
export type SpanOutline = Pick<Span, 'traceId' | 'spanId' | 'parentSpanId' | 'name' | 'kind' | 'startTimeUnixNano' | 'endTimeUnixNano' | 'account'> &
  SpanResult & { resource: Pick<Resource, 'serviceName'> };

/** The span's outline: a new object, the detail left out. */
export function outlineOf(span: SpanOutline): SpanOutline {
  return {
    traceId: span.traceId,
    spanId: span.spanId,
    parentSpanId: span.parentSpanId,
    name: span.name,
    kind: span.kind,
    startTimeUnixNano: span.startTimeUnixNano,
    endTimeUnixNano: span.endTimeUnixNano,
    status: { code: span.status.code },
    http: { statusCode: span.http.statusCode },
    resource: { serviceName: span.resource.serviceName },
    account: span.account,
  };
}

export function spanDuration(span: Pick<Span, 'startTimeUnixNano' | 'endTimeUnixNano'>): Nanos {
  return (span.endTimeUnixNano - span.startTimeUnixNano) as Nanos;
}

/**
 * What a span's caller saw, in X-Ray's terms (the query language's flags): fault, a 5xx or an
 * error status without a 4xx; error, a 4xx; ok, neither. The one definition: filters, trace
 * status and the stores' SQL all follow it.
 */
export type SpanOutcome = 'ok' | 'error' | 'fault';

export function outcomeOf(httpStatus: number | null, statusCode: StatusCode): SpanOutcome {
  if (httpStatus !== null && httpStatus >= 400 && httpStatus <= 499) return 'error';
  if ((httpStatus !== null && httpStatus >= 500) || statusCode === 'error') return 'fault';
  return 'ok';
}

export function spanOutcome(span: SpanResult): SpanOutcome {
  return outcomeOf(span.http.statusCode, span.status.code);
}

export function isErrorSpan(span: SpanResult): boolean {
  return span.status.code === 'error' || (span.http.statusCode !== null && span.http.statusCode >= 500);
}
