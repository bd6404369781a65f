import { ANNOTATION_KEYS_ATTRIBUTE, httpFactsOf, isValidSpanId, nanos, type Account, type Attributes, type AttributeValue, type Nanos, type Span, type SpanEvent, type SpanKind } from '@stitch/model';
import type { RejectedSpan } from './otlp-to-spans.ts';
import { WireError } from './wire-error.ts';
import { xraySegmentSchema, type XRaySegmentJson, type XRaySubsegmentJson } from './xray-segment-schema.ts';

/** The daemon's UDP limit, and what one document may hold. */
export const XRAY_LIMITS = { datagramBytes: 64 * 1024, nestingDepth: 128, spansPerDocument: 10_000 } as const;

export interface ConvertedSegment {
  spans: Span[];
  /** Segments and subsegments still running (`in_progress`, no end): the completed document comes later. */
  inProgressIds: string[];
  rejected: RejectedSpan[];
}

export interface SegmentOptions {
  /** The account, decided by the transport (the agent's link), never by the document. */
  account: Account;
  /** The service of an independent subsegment, whose document does not name it. */
  serviceOfParent?: (segmentId: string) => string | undefined;
}

const TRACE_ID = /^1-([0-9a-fA-F]{8})-([0-9a-fA-F]{24})$/;
const DAEMON_HEADER = /^\s*\{\s*"format"\s*:\s*"json"\s*,\s*"version"\s*:\s*1\s*\}\s*$/;

/** A UDP datagram of the X-Ray daemon protocol: `{"format": "json", "version": 1}`, a newline, a segment document. */
export function parseDaemonDatagram(datagram: Uint8Array): unknown {
  if (datagram.byteLength > XRAY_LIMITS.datagramBytes) throw new WireError(`datagram: ${datagram.byteLength} bytes, over the ${XRAY_LIMITS.datagramBytes}-byte limit`);
  const text = Buffer.from(datagram.buffer, datagram.byteOffset, datagram.byteLength).toString('utf8');
  const newline = text.indexOf('\n');
  if (newline < 0 || !DAEMON_HEADER.test(text.slice(0, newline))) throw new WireError('header: expected {"format": "json", "version": 1} and a newline before the segment');
  try {
    return JSON.parse(text.slice(newline + 1));
  } catch (error) {
    throw new WireError(`segment: not JSON (${(error as Error).message})`);
  }
}

/** One segment document (or independent subsegment) as spans: the segment and every subsegment below it. */
export function segmentToSpans(document: unknown, options: SegmentOptions): ConvertedSegment {
  if (depthOf(document) > XRAY_LIMITS.nestingDepth) throw new WireError(`segment: nested deeper than ${XRAY_LIMITS.nestingDepth} levels`);
  const parsed = xraySegmentSchema.safeParse(document);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new WireError(`segment.${issue.path.join('.') || '(document)'}: ${issue.message}`);
  }
  const segment = parsed.data;
  const match = TRACE_ID.exec(segment.trace_id);
  if (!match) throw new WireError(`segment.trace_id: "${segment.trace_id.slice(0, 60)}" is not an X-Ray trace id (1-<8 hex>-<24 hex>)`);
  const traceId = `${match[1]}${match[2]}`.toLowerCase();
  if (/^0+$/.test(traceId)) throw new WireError('segment.trace_id: all zero');

  const independent = segment.type === 'subsegment';
  const parentId = typeof segment.parent_id === 'string' ? segment.parent_id.toLowerCase() : null;
  const service = independent ? (segment.parent_name ?? (parentId && options.serviceOfParent?.(parentId)) ?? 'unknown_service') : stringOf(segment.name) || 'unknown_service';
  const resource: Span['resource'] = { serviceName: service, attributes: { 'service.name': service, ...(segment.origin ? { 'aws.xray.origin': segment.origin } : {}) } };
  const result: ConvertedSegment = { spans: [], inProgressIds: [], rejected: [] };

  let index = -1;
  const visit = (node: XRaySubsegmentJson, parent: string | null, isSegment: boolean): void => {
    index += 1;
    const spanId = stringOf(node.id).toLowerCase();
    if (result.spans.length + result.rejected.length >= XRAY_LIMITS.spansPerDocument) {
      result.rejected.push({ index, spanId, reason: `more than ${XRAY_LIMITS.spansPerDocument} spans in one document` });
      return;
    }
    if (node.in_progress === true || node.end_time === undefined || node.end_time === null) {
      result.inProgressIds.push(spanId);
      return;
    }
    const problem = problemOf(spanId, parent, node);
    if (problem) {
      // Its subsegments name it as their parent: without it they would float; leave the subtree out.
      result.rejected.push({ index, spanId, reason: problem });
      return;
    }
    result.spans.push(spanOf(node, { traceId, spanId, parentSpanId: parent, isSegment, resource, account: options.account }));
    for (const child of node.subsegments ?? []) visit(child, spanId, false);
  };
  visit(segment, parentId, !independent);
  return result;
}

function problemOf(spanId: string, parent: string | null, node: XRaySubsegmentJson): string | null {
  if (!isValidSpanId(spanId)) return `id: "${spanId.slice(0, 40)}" is not 16 hex digits`;
  if (parent !== null && !isValidSpanId(parent)) return `parent_id: "${parent.slice(0, 40)}" is not 16 hex digits`;
  const start = secondsToNanos(node.start_time);
  const end = secondsToNanos(node.end_time);
  if (start === null) return 'start_time: missing or not positive epoch seconds';
  if (end === null || end < start) return 'end_time: missing or before start_time';
  return null;
}

interface SpanPlace {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  isSegment: boolean;
  resource: Span['resource'];
  account: Account;
}

function spanOf(node: XRaySubsegmentJson, place: SpanPlace): Span {
  const start = secondsToNanos(node.start_time)!;
  const end = secondsToNanos(node.end_time)!;
  const attributes: Attributes = {};
  const request = node.http?.request;
  const response = node.http?.response;
  if (request?.method) attributes['http.request.method'] = request.method;
  if (request?.url) attributes['url.full'] = request.url;
  if (request?.client_ip) attributes['client.address'] = request.client_ip;
  if (request?.user_agent) attributes['user_agent.original'] = request.user_agent;
  const status = response?.status ?? (node.throttle ? 429 : null);
  if (status !== null && status !== undefined) attributes['http.response.status_code'] = status;
  if (node.error) attributes['aws.xray.error'] = true;
  if (node.fault) attributes['aws.xray.fault'] = true;
  if (node.throttle) attributes['aws.xray.throttle'] = true;
  if (node.namespace) attributes['aws.xray.namespace'] = node.namespace;
  copyScalars(attributes, 'aws', node.aws);
  copyScalars(attributes, 'db', node.sql);
  const annotationKeys = Object.keys(node.annotations ?? {});
  for (const key of annotationKeys) attributes[key] = node.annotations![key]!;
  if (annotationKeys.length > 0) attributes[ANNOTATION_KEYS_ATTRIBUTE] = annotationKeys;
  for (const [namespace, values] of Object.entries(node.metadata ?? {})) copyScalars(attributes, `metadata.${namespace}`, values);

  const name = stringOf(node.name) || 'unnamed';
  const kind: SpanKind = place.isSegment ? 'server' : node.namespace === 'remote' || node.namespace === 'aws' ? 'client' : 'internal';
  const { events, message } = causeOf(node.cause, end);
  return {
    traceId: place.traceId,
    spanId: place.spanId,
    parentSpanId: place.parentSpanId,
    traceState: '',
    // A segment is named after its service; the operation is the request.
    name: place.isSegment && request?.method ? `${request.method} ${pathOf(request.url)}` : name,
    kind,
    startTimeUnixNano: start,
    endTimeUnixNano: end,
    status: node.fault ? { code: 'error', message } : { code: 'unset', message: '' },
    http: httpFactsOf(attributes),
    attributes,
    events,
    links: [],
    resource: place.resource,
    scope: { name: 'aws-xray', version: '' },
    account: place.account,
  };
}

function causeOf(cause: unknown, at: Nanos): { events: SpanEvent[]; message: string } {
  if (typeof cause !== 'object' || cause === null) return { events: [], message: '' };
  const { exceptions, message } = cause as { exceptions?: Array<{ type?: string | null; message?: string | null; stack?: Array<{ path?: string | null; line?: number | null; label?: string | null }> | null }> | null; message?: string | null };
  const events = (exceptions ?? []).map((exception) => ({
    name: 'exception',
    timeUnixNano: at,
    attributes: {
      'exception.type': exception.type ?? '',
      'exception.message': exception.message ?? '',
      'exception.stacktrace': (exception.stack ?? []).map((frame) => `    at ${frame.label ?? '?'} (${frame.path ?? '?'}:${frame.line ?? 0})`).join('\n'),
    },
  }));
  return { events, message: message ?? exceptions?.[0]?.message ?? '' };
}

function copyScalars(into: Attributes, prefix: string, values: Record<string, unknown> | null | undefined): void {
  for (const [key, value] of Object.entries(values ?? {})) {
    into[`${prefix}.${key}`] = (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? value : JSON.stringify(value)) as AttributeValue;
  }
}

/** Float epoch seconds carry microseconds at best: rounding there keeps float noise out of the nanoseconds. */
function secondsToNanos(value: unknown): Nanos | null {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > 9.2e9) return null;
  return nanos(BigInt(Math.round(value * 1e6)) * 1000n);
}

function pathOf(url: string | null | undefined): string {
  if (!url) return '/';
  try {
    return new URL(url, 'http://host').pathname;
  } catch {
    return url;
  }
}

const stringOf = (value: unknown): string => (typeof value === 'string' ? value : '');

/** Nesting depth, counted without recursion so a hostile document cannot overflow the stack. */
function depthOf(value: unknown): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (depth > deepest) deepest = depth;
    if (deepest > XRAY_LIMITS.nestingDepth) return deepest;
    if (node !== null && typeof node === 'object') for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return deepest;
}

export type { XRaySegmentJson };
