import { createHash } from 'node:crypto';
import protobuf from 'protobufjs/light.js';
import { z } from 'zod';
import { httpFactsOf, nanos, type Account, type Attributes, type AttributeValue, type Span, type SpanEvent, type SpanKind, type StatusCode } from '@stitch/model';
import { LATEST_NANOS, type RejectedSpan } from './otlp-to-spans.ts';
import { WireError } from './wire-error.ts';

// Zipkin's v2 span API (POST /api/v2/spans: a JSON array, or zipkin.proto3.ListOfSpans), mapped
// the way OpenTelemetry's Zipkin receiver maps it (pkg/translator/zipkin/zipkinv2): the local
// endpoint's service is the resource's service.name, resource-convention tags go back to the
// resource (OpenTelemetry's Zipkin exporters put them in tags), `otel.status_code`,
// `otel.status_description` and `error` make the status, `otel.scope.*`/`otel.library.*` the
// scope, annotations become events, the remote endpoint becomes peer.service, net.peer.ip and
// net.peer.port. Where OpenTelemetry keeps a shared span's id (a server half reusing its
// client's id, B3's one span per RPC), two spans of a trace would have one id: the server half
// gets an id of its own, derived from the shared one (the same on a retry), and the client half
// as its parent, as Jaeger's span-id deduplication does.

export type ZipkinFormat = 'json' | 'protobuf';

export interface ConvertedZipkin {
  spans: Span[];
  rejected: RejectedSpan[];
}

/** Zipkin's v2 content types; a missing type is JSON, as Zipkin's server takes it. */
export function zipkinFormatOf(contentType: string | undefined): ZipkinFormat | null {
  const type = (contentType ?? 'application/json').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/json' || type === '') return 'json';
  if (type === 'application/x-protobuf' || type === 'application/protobuf') return 'protobuf';
  return null;
}

/** The spans of one request body, each checked alone; a body that is not a list of spans throws WireError naming what is wrong. */
export function zipkinToSpans(body: Uint8Array, format: ZipkinFormat, account: Account): ConvertedZipkin {
  const spans = format === 'json' ? jsonSpans(body) : protobufSpans(body);
  const result: ConvertedZipkin = { spans: [], rejected: [] };
  spans.forEach((span, index) => {
    if (typeof span === 'string') {
      result.rejected.push({ index, spanId: '', reason: span });
      return;
    }
    const converted = spanOf(span, account);
    if (typeof converted === 'string') result.rejected.push({ index, spanId: span.id, reason: converted });
    else result.spans.push(converted);
  });
  return result;
}

/** One Zipkin span, from either encoding: ids as hex text, times as epoch microseconds. */
interface ZipkinSpan {
  traceId: string;
  id: string;
  parentId?: string | undefined;
  name?: string | undefined;
  kind?: string | undefined;
  timestamp?: bigint | undefined;
  duration?: bigint | undefined;
  localEndpoint?: ZipkinEndpoint | undefined;
  remoteEndpoint?: ZipkinEndpoint | undefined;
  annotations?: Array<{ timestamp: bigint; value: string }> | undefined;
  tags?: Record<string, AttributeValue> | undefined;
  shared?: boolean | undefined;
}

interface ZipkinEndpoint {
  serviceName?: string | undefined;
  ipv4?: string | undefined;
  ipv6?: string | undefined;
  port?: number | undefined;
}

/** Absent and null alike are left out. */
const optional = <T extends z.ZodType>(schema: T) => schema.nullish().transform((value) => value ?? undefined);
const microseconds = z.number().nonnegative().max(Number.MAX_SAFE_INTEGER).transform((value) => BigInt(Math.round(value)));
const endpointSchema = z.object({
  serviceName: optional(z.string()),
  ipv4: optional(z.string()),
  ipv6: optional(z.string()),
  port: optional(z.number().int().min(0).max(65535)),
});
// Zipkin's tags are strings; numbers and booleans some clients send are kept as they are.
const spanSchema = z.object({
  traceId: z.string(),
  id: z.string(),
  parentId: optional(z.string()),
  name: optional(z.string()),
  kind: optional(z.enum(['CLIENT', 'SERVER', 'PRODUCER', 'CONSUMER'])),
  timestamp: optional(microseconds),
  duration: optional(microseconds),
  localEndpoint: optional(endpointSchema),
  remoteEndpoint: optional(endpointSchema),
  annotations: optional(z.array(z.object({ timestamp: microseconds, value: z.string() }))),
  tags: optional(z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]))),
  shared: optional(z.boolean()),
});

/** Each element a span, or why it is not one ("tags.x: …"). */
function jsonSpans(body: Uint8Array): Array<ZipkinSpan | string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
  } catch (error) {
    throw new WireError(`body: not JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(parsed)) throw new WireError('body: expected a JSON array of Zipkin v2 spans');
  return parsed.map((element) => {
    const checked = spanSchema.safeParse(element);
    if (checked.success) return checked.data;
    const issue = checked.error.issues[0]!;
    return `${issue.path.join('.') || '(span)'}: ${issue.message}`;
  });
}

// zipkin.proto (openzipkin/zipkin-api, package zipkin.proto3), as reflection: the fields Zipkin numbers.
const zipkinProto = protobuf.Root.fromJSON({
  nested: {
    Endpoint: { fields: { serviceName: { type: 'string', id: 1 }, ipv4: { type: 'bytes', id: 2 }, ipv6: { type: 'bytes', id: 3 }, port: { type: 'int32', id: 4 } } },
    Annotation: { fields: { timestamp: { type: 'fixed64', id: 1 }, value: { type: 'string', id: 2 } } },
    Span: {
      fields: {
        traceId: { type: 'bytes', id: 1 },
        parentId: { type: 'bytes', id: 2 },
        id: { type: 'bytes', id: 3 },
        kind: { type: 'Kind', id: 4 },
        name: { type: 'string', id: 5 },
        timestamp: { type: 'fixed64', id: 6 },
        duration: { type: 'uint64', id: 7 },
        localEndpoint: { type: 'Endpoint', id: 8 },
        remoteEndpoint: { type: 'Endpoint', id: 9 },
        annotations: { rule: 'repeated', type: 'Annotation', id: 10 },
        tags: { keyType: 'string', type: 'string', id: 11 } as protobuf.IMapField,
        debug: { type: 'bool', id: 12 },
        shared: { type: 'bool', id: 13 },
      },
      nested: { Kind: { values: { SPAN_KIND_UNSPECIFIED: 0, CLIENT: 1, SERVER: 2, PRODUCER: 3, CONSUMER: 4 } } },
    },
    ListOfSpans: { fields: { spans: { rule: 'repeated', type: 'Span', id: 1 } } },
  },
});
const ListOfSpans = zipkinProto.lookupType('ListOfSpans');

interface ProtoEndpoint {
  serviceName?: string;
  ipv4?: Uint8Array;
  ipv6?: Uint8Array;
  port?: number;
}
interface ProtoSpan {
  traceId?: Uint8Array;
  parentId?: Uint8Array;
  id?: Uint8Array;
  kind?: string;
  name?: string;
  timestamp?: string;
  duration?: string;
  localEndpoint?: ProtoEndpoint;
  remoteEndpoint?: ProtoEndpoint;
  annotations?: Array<{ timestamp?: string; value?: string }>;
  tags?: Record<string, string>;
  shared?: boolean;
}

function protobufSpans(body: Uint8Array): ZipkinSpan[] {
  let list: { spans?: ProtoSpan[] };
  try {
    list = ListOfSpans.toObject(ListOfSpans.decode(body), { longs: String, enums: String }) as { spans?: ProtoSpan[] };
  } catch (error) {
    throw new WireError(`body: not a zipkin.proto3.ListOfSpans (${(error as Error).message})`);
  }
  return (list.spans ?? []).map((span) => ({
    traceId: hex(span.traceId),
    id: hex(span.id),
    parentId: span.parentId?.length ? hex(span.parentId) : undefined,
    name: span.name,
    kind: span.kind === 'SPAN_KIND_UNSPECIFIED' ? undefined : span.kind,
    timestamp: span.timestamp === undefined ? undefined : BigInt(span.timestamp),
    duration: span.duration === undefined ? undefined : BigInt(span.duration),
    localEndpoint: endpointOf(span.localEndpoint),
    remoteEndpoint: endpointOf(span.remoteEndpoint),
    annotations: span.annotations?.map((annotation) => ({ timestamp: BigInt(annotation.timestamp ?? '0'), value: annotation.value ?? '' })),
    tags: span.tags,
    shared: span.shared,
  }));
}

const hex = (bytes: Uint8Array | undefined) => (bytes ? Buffer.from(bytes).toString('hex') : '');

function endpointOf(endpoint: ProtoEndpoint | undefined): ZipkinEndpoint | undefined {
  if (!endpoint) return undefined;
  return {
    serviceName: endpoint.serviceName,
    ipv4: endpoint.ipv4?.length === 4 ? [...endpoint.ipv4].join('.') : undefined,
    ipv6: endpoint.ipv6?.length === 16 ? ipv6Text(endpoint.ipv6) : undefined,
    port: endpoint.port,
  };
}

const ipv6Text = (bytes: Uint8Array) => Array.from({ length: 8 }, (_, i) => ((bytes[2 * i]! << 8) | bytes[2 * i + 1]!).toString(16)).join(':');

const KINDS: Record<string, SpanKind> = { CLIENT: 'client', SERVER: 'server', PRODUCER: 'producer', CONSUMER: 'consumer' };
const STATUS_CODES: Record<string, StatusCode> = { OK: 'ok', ERROR: 'error', UNSET: 'unset', STATUS_CODE_OK: 'ok', STATUS_CODE_ERROR: 'error', STATUS_CODE_UNSET: 'unset' };
/** Resource semantic conventions (their namespaces): OpenTelemetry's Zipkin exporters send the resource's attributes as tags. */
const RESOURCE_PREFIXES = ['service.', 'telemetry.', 'host.', 'os.', 'process.', 'container.', 'k8s.', 'cloud.', 'deployment.', 'device.', 'webengine.', 'aws.ecs.', 'aws.eks.', 'aws.log.', 'heroku.', 'faas.name', 'faas.id', 'faas.version', 'faas.instance', 'faas.max_memory'];
const isResourceKey = (key: string) => RESOURCE_PREFIXES.some((prefix) => key.startsWith(prefix));
const ZERO = /^0+$/;
/** A parsed annotation as OpenTelemetry's Collector writes an event with attributes: `name|{json}|dropped`. */
const EVENT_WITH_ATTRIBUTES = /^([^|]*)\|(\{.*\})\|(\d+)$/s;

/** The span, or why it cannot be one (the field first). */
function spanOf(zipkin: ZipkinSpan, account: Account): Span | string {
  const traceId = idOf(zipkin.traceId, 32);
  if (!traceId) return `traceId: "${zipkin.traceId.slice(0, 40)}" is not 16 or 32 hex digits, not all zero`;
  const id = idOf(zipkin.id, 16);
  if (!id) return `id: "${zipkin.id.slice(0, 40)}" is not 16 hex digits, not all zero`;
  let parentSpanId: string | null = null;
  if (zipkin.parentId !== undefined && zipkin.parentId !== '') {
    parentSpanId = idOf(zipkin.parentId, 16);
    if (!parentSpanId) return `parentId: "${zipkin.parentId.slice(0, 40)}" is not 16 hex digits, not all zero`;
    if (parentSpanId === id) parentSpanId = null;
  }
  if (zipkin.timestamp === undefined || zipkin.timestamp === 0n) return 'timestamp: missing (the span\'s start, epoch microseconds)';
  const start = nanos(zipkin.timestamp * 1000n);
  const end = nanos(start + (zipkin.duration ?? 0n) * 1000n);
  if (end > LATEST_NANOS) return 'timestamp: the span ends after 2262 (timestamp + duration), beyond what a signed 64-bit count of nanoseconds holds';
  const kind: SpanKind = (zipkin.kind && KINDS[zipkin.kind]) || 'internal';

  const tags: Record<string, AttributeValue> = { ...zipkin.tags };
  const take = (key: string): AttributeValue | undefined => {
    const value = tags[key];
    delete tags[key];
    return value;
  };
  let status: Span['status'] = { code: STATUS_CODES[String(take('otel.status_code') ?? 'UNSET').toUpperCase()] ?? 'unset', message: '' };
  const description = take('otel.status_description');
  if (status.code === 'error' && description !== undefined) status = { code: 'error', message: String(description) };
  // Zipkin's own convention: an `error` tag, whatever its value, says the call failed; the value is its message.
  const error = take('error');
  if (error !== undefined) status = { code: 'error', message: error === true || error === 'true' || error === '' ? status.message : String(error) };
  const [scopeName, libraryName] = [take('otel.scope.name'), take('otel.library.name')];
  const [scopeVersion, libraryVersion] = [take('otel.scope.version'), take('otel.library.version')];
  const traceState = take('w3c.tracestate');
  if (!zipkin.kind) delete tags['span.kind'];

  const serviceName = zipkin.localEndpoint?.serviceName || (typeof tags['service.name'] === 'string' ? tags['service.name'] : '') || 'unknown_service';
  const resourceAttributes: Attributes = {};
  const attributes: Attributes = {};
  for (const [key, value] of Object.entries(tags)) (isResourceKey(key) ? resourceAttributes : attributes)[key] = value;
  resourceAttributes['service.name'] = serviceName;
  const local = zipkin.localEndpoint;
  if (local?.ipv4 || local?.ipv6) attributes['net.host.ip'] = (local.ipv6 || local.ipv4)!;
  if (local?.port) attributes['net.host.port'] = local.port;
  const remote = zipkin.remoteEndpoint;
  if (remote?.serviceName) attributes['peer.service'] = remote.serviceName;
  if (remote?.ipv4 || remote?.ipv6) attributes['net.peer.ip'] = (remote.ipv6 || remote.ipv4)!;
  if (remote?.port) attributes['net.peer.port'] = remote.port;

  // The server half of a shared span: an id of its own, under its client half.
  const shared = zipkin.shared === true && kind === 'server';
  return {
    traceId,
    spanId: shared ? sharedServerIdOf(traceId, id) : id,
    parentSpanId: shared ? id : parentSpanId,
    traceState: traceState === undefined ? '' : String(traceState),
    name: zipkin.name ?? '',
    kind,
    startTimeUnixNano: start,
    endTimeUnixNano: end,
    status,
    http: httpFactsOf(attributes),
    attributes,
    events: (zipkin.annotations ?? []).map(eventOf),
    links: [],
    resource: { serviceName, attributes: resourceAttributes },
    scope: { name: String(scopeName ?? libraryName ?? ''), version: String(scopeVersion ?? libraryVersion ?? '') },
    account,
  };
}

/** Zipkin ids are hex, lowercase or not, 64-bit ones padded on the left (as Zipkin pads them). */
function idOf(text: string, digits: 16 | 32): string | null {
  if (!/^[0-9a-fA-F]+$/.test(text)) return null;
  const accepted = digits === 32 ? text.length === 16 || text.length === 32 : text.length <= 16;
  if (!accepted || ZERO.test(text)) return null;
  return text.toLowerCase().padStart(digits, '0');
}

function sharedServerIdOf(traceId: string, clientId: string): string {
  const derived = createHash('sha256').update(`${traceId}/${clientId}/server`).digest('hex').slice(0, 16);
  return ZERO.test(derived) ? '0000000000000001' : derived;
}

function eventOf(annotation: { timestamp: bigint; value: string }): SpanEvent {
  const at = nanos(annotation.timestamp * 1000n);
  const withAttributes = EVENT_WITH_ATTRIBUTES.exec(annotation.value);
  if (withAttributes) {
    try {
      const parsed = JSON.parse(withAttributes[2]!) as Record<string, unknown>;
      const attributes: Attributes = {};
      for (const [key, value] of Object.entries(parsed)) {
        if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') attributes[key] = value;
      }
      return { name: withAttributes[1]!, timeUnixNano: at, attributes };
    } catch {
      // Not the Collector's form after all: the whole value is the name.
    }
  }
  return { name: annotation.value, timeUnixNano: at, attributes: {} };
}
