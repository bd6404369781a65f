import { isErrorSpan, type Attributes, type Span, type SpanEvent, type SpanKind, type SpanLink, type StatusCode } from './span.ts';
import { nanos } from './units.ts';
import { annotationsOf } from './annotations.ts';
import { calledPeerOf } from './inferred-peer.ts';
import { attributesFromTyped, attributesFromTypedJson, typedAttributesJson, type TypedAttributes } from './typed-attributes.ts';
import { eventFacetsJson, linkFacetsJson } from './nested-facets.ts';

/**
 * Spans in columns, as ingest hands them to storage. Decoding workers build it, so the thread
 * that writes the store receives flat arrays (cheap to pass between threads) and does no
 * per-span serialisation; the columns are what every backend stores.
 */
export interface SpanBatch {
  length: number;
  traceId: string[];
  spanId: string[];
  parentSpanId: Array<string | null>;
  name: string[];
  kind: SpanKind[];
  /** Unix nanoseconds; int64 holds them until the year 2262. */
  startNs: BigInt64Array;
  endNs: BigInt64Array;
  statusCode: StatusCode[];
  httpMethod: Array<string | null>;
  httpRoute: Array<string | null>;
  httpUrl: Array<string | null>;
  httpStatus: Array<number | null>;
  hasError: boolean[];
  serviceName: string[];
  accountId: string[];
  /** Derived from the detail, as columns for search: the account's label, and the annotations (keys, values as JSON), null when none. */
  accountLabel: string[];
  annotationKeys: Array<string[] | null>;
  annotationValues: Array<string[] | null>;
  /** Derived, for `peer("…")`: the inferred peer a call (client, producer span) called, its name and account; null for other spans. */
  peerName: Array<string | null>;
  peerAccount: Array<string | null>;
  /** The span's attributes as TypedAttributes JSON (typed-attributes.ts): the stores keep each type in its own columns. */
  attributesJson: string[];
  /** The resource's attributes, the same way; spans of one process share the string. */
  resourceJson: string[];
  scopeName: string[];
  scopeVersion: string[];
  traceState: string[];
  statusMessage: string[];
  /** Read back whole, never filtered on: the events and links as JSON (event times as decimal strings), null when none. */
  eventsJson: Array<string | null>;
  linksJson: Array<string | null>;
  /** Derived, for search on events and links: EventFacets and LinkFacets JSON (nested-facets.ts), null when none. */
  eventFacetsJson: Array<string | null>;
  linkFacetsJson: Array<string | null>;
}

/** An event as SpanBatch.eventsJson holds it: nanoseconds as decimal strings, which JSON numbers cannot hold. */
type StoredEvent = Omit<SpanEvent, 'timeUnixNano'> & { timeUnixNano: string };

function eventsJsonOf(events: readonly SpanEvent[]): string | null {
  if (events.length === 0) return null;
  return JSON.stringify(events.map((event): StoredEvent => ({ name: event.name, timeUnixNano: event.timeUnixNano.toString(), attributes: event.attributes })));
}

/** A span's events back from SpanBatch.eventsJson. */
export function eventsFromJson(json: string | null): SpanEvent[] {
  if (json === null) return [];
  return (JSON.parse(json) as StoredEvent[]).map((event) => ({ ...event, timeUnixNano: nanos(BigInt(event.timeUnixNano)) }));
}

/** A span's links back from SpanBatch.linksJson. */
export function linksFromJson(json: string | null): SpanLink[] {
  return json === null ? [] : (JSON.parse(json) as SpanLink[]);
}

export function spansToBatch(spans: readonly Span[]): SpanBatch {
  const resourceJson = new Map<object, string>();
  const batch = emptyBatch(spans.length);
  spans.forEach((span, i) => {
    batch.traceId.push(span.traceId);
    batch.spanId.push(span.spanId);
    batch.parentSpanId.push(span.parentSpanId);
    batch.name.push(span.name);
    batch.kind.push(span.kind);
    batch.startNs[i] = span.startTimeUnixNano;
    batch.endNs[i] = span.endTimeUnixNano;
    batch.statusCode.push(span.status.code);
    batch.httpMethod.push(span.http.method);
    batch.httpRoute.push(span.http.route);
    batch.httpUrl.push(span.http.url);
    batch.httpStatus.push(span.http.statusCode);
    batch.hasError.push(isErrorSpan(span));
    batch.serviceName.push(span.resource.serviceName);
    batch.accountId.push(span.account.id);
    batch.accountLabel.push(span.account.label);
    const annotations = annotationsOf(span.attributes);
    batch.annotationKeys.push(annotations.length === 0 ? null : annotations.map(([key]) => key));
    batch.annotationValues.push(annotations.length === 0 ? null : annotations.map(([, value]) => JSON.stringify(value)));
    const peer = calledPeerOf(span);
    batch.peerName.push(peer?.name ?? null);
    batch.peerAccount.push(peer?.account ?? null);
    let json = resourceJson.get(span.resource.attributes);
    if (json === undefined) resourceJson.set(span.resource.attributes, (json = typedAttributesJson(span.resource.attributes)));
    batch.resourceJson.push(json);
    batch.attributesJson.push(typedAttributesJson(span.attributes));
    batch.scopeName.push(span.scope.name);
    batch.scopeVersion.push(span.scope.version);
    batch.traceState.push(span.traceState);
    batch.statusMessage.push(span.status.message);
    batch.eventsJson.push(eventsJsonOf(span.events));
    batch.linksJson.push(span.links.length === 0 ? null : JSON.stringify(span.links));
    batch.eventFacetsJson.push(eventFacetsJson(span.events, span.startTimeUnixNano));
    batch.linkFacetsJson.push(linkFacetsJson(span.links));
  });
  return batch;
}

type DerivedColumn = 'hasError' | 'annotationKeys' | 'annotationValues' | 'peerName' | 'peerAccount' | 'eventFacetsJson' | 'linkFacetsJson';

/** One span as a store keeps it: a row of a SpanBatch (what the store derives, like hasError, left out), its attributes as typed lists. */
export type StoredSpan = { [K in Exclude<keyof SpanBatch, 'length' | 'startNs' | 'endNs' | 'attributesJson' | 'resourceJson' | DerivedColumn>]: SpanBatch[K][number] } & {
  startNs: bigint;
  endNs: bigint;
  attributes: TypedAttributes;
  resource: TypedAttributes;
};

/** The span back from its stored form. */
export function spanFromStored(row: StoredSpan): Span {
  return spanOf(row, attributesFromTyped(row.attributes), attributesFromTyped(row.resource));
}

function spanOf(row: Omit<StoredSpan, 'attributes' | 'resource'>, attributes: Attributes, resourceAttributes: Attributes): Span {
  return {
    traceId: row.traceId,
    spanId: row.spanId,
    parentSpanId: row.parentSpanId,
    traceState: row.traceState,
    name: row.name,
    kind: row.kind,
    startTimeUnixNano: nanos(row.startNs),
    endTimeUnixNano: nanos(row.endNs),
    status: { code: row.statusCode, message: row.statusMessage },
    http: { method: row.httpMethod, route: row.httpRoute, url: row.httpUrl, statusCode: row.httpStatus },
    attributes,
    events: eventsFromJson(row.eventsJson),
    links: linksFromJson(row.linksJson),
    resource: { serviceName: row.serviceName, attributes: resourceAttributes },
    scope: { name: row.scopeName, version: row.scopeVersion },
    account: { id: row.accountId, label: row.accountLabel },
  };
}

/**
 * Span `i` of a batch. `resources`: resource attributes already read, by their JSON: the spans of
 * one process then share one object (read-only, as every span's attributes are once made).
 */
export function spanAt(batch: SpanBatch, i: number, resources = new Map<string, Attributes>()): Span {
  const resourceJson = batch.resourceJson[i]!;
  let resourceAttributes = resources.get(resourceJson);
  if (resourceAttributes === undefined) resources.set(resourceJson, (resourceAttributes = attributesFromTypedJson(resourceJson)));
  return spanOf(
    {
      traceId: batch.traceId[i]!,
      spanId: batch.spanId[i]!,
      parentSpanId: batch.parentSpanId[i]!,
      name: batch.name[i]!,
      kind: batch.kind[i]!,
      startNs: batch.startNs[i]!,
      endNs: batch.endNs[i]!,
      statusCode: batch.statusCode[i]!,
      httpMethod: batch.httpMethod[i]!,
      httpRoute: batch.httpRoute[i]!,
      httpUrl: batch.httpUrl[i]!,
      httpStatus: batch.httpStatus[i]!,
      serviceName: batch.serviceName[i]!,
      accountId: batch.accountId[i]!,
      accountLabel: batch.accountLabel[i]!,
      scopeName: batch.scopeName[i]!,
      scopeVersion: batch.scopeVersion[i]!,
      traceState: batch.traceState[i]!,
      statusMessage: batch.statusMessage[i]!,
      eventsJson: batch.eventsJson[i]!,
      linksJson: batch.linksJson[i]!,
    },
    attributesFromTypedJson(batch.attributesJson[i]!),
    resourceAttributes,
  );
}

export function batchToSpans(batch: SpanBatch): Span[] {
  const resources = new Map<string, Attributes>();
  return Array.from({ length: batch.length }, (_, i) => spanAt(batch, i, resources));
}

export function concatBatches(batches: readonly SpanBatch[]): SpanBatch {
  if (batches.length === 1) return batches[0]!;
  const total = batches.reduce((sum, batch) => sum + batch.length, 0);
  const out = emptyBatch(total);
  let offset = 0;
  for (const batch of batches) {
    for (const key of ARRAY_COLUMNS) {
      const target = out[key] as unknown[];
      for (const value of batch[key] as unknown[]) target.push(value);
    }
    out.startNs.set(batch.startNs, offset);
    out.endNs.set(batch.endNs, offset);
    offset += batch.length;
  }
  return out;
}

const ARRAY_COLUMNS = [
  'traceId', 'spanId', 'parentSpanId', 'name', 'kind', 'statusCode', 'httpMethod', 'httpRoute', 'httpUrl',
  'httpStatus', 'hasError', 'serviceName', 'accountId', 'accountLabel', 'annotationKeys', 'annotationValues', 'peerName', 'peerAccount',
  'attributesJson', 'resourceJson', 'scopeName', 'scopeVersion', 'traceState', 'statusMessage', 'eventsJson', 'linksJson',
  'eventFacetsJson', 'linkFacetsJson',
] as const satisfies ReadonlyArray<keyof SpanBatch>;

function emptyBatch(length: number): SpanBatch {
  return {
    length,
    traceId: [], spanId: [], parentSpanId: [], name: [], kind: [],
    startNs: new BigInt64Array(length), endNs: new BigInt64Array(length),
    statusCode: [], httpMethod: [], httpRoute: [], httpUrl: [], httpStatus: [], hasError: [],
    serviceName: [], accountId: [], accountLabel: [], annotationKeys: [], annotationValues: [], peerName: [], peerAccount: [],
    attributesJson: [], resourceJson: [], scopeName: [], scopeVersion: [], traceState: [], statusMessage: [], eventsJson: [], linksJson: [],
    eventFacetsJson: [], linkFacetsJson: [],
  };
}
