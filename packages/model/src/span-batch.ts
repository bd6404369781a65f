import { isErrorSpan, type Attributes, type Span, type SpanEvent, type SpanKind, type SpanLink, type StatusCode } from './span.ts';
import { nanos } from './units.ts';
import { annotationsOf } from './annotations.ts';
import { calledPeerOf } from './inferred-peer.ts';

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
  /** The resource's attributes as JSON; spans of one process share the string. */
  resourceJson: string[];
  /** What is only ever read back whole, never filtered on: SpanDetail as JSON. */
  detailJson: string[];
}

/** The JSON in SpanBatch.detailJson. Nanoseconds as decimal strings: JSON numbers cannot hold them. */
export interface SpanDetail {
  traceState: string;
  statusMessage: string;
  accountLabel: string;
  scope: Span['scope'];
  attributes: Attributes;
  events: Array<Omit<SpanEvent, 'timeUnixNano'> & { timeUnixNano: string }>;
  links: SpanLink[];
}

export function detailJsonOf(span: Pick<Span, 'traceState' | 'status' | 'account' | 'scope' | 'attributes' | 'events' | 'links'>): string {
  const detail: SpanDetail = {
    traceState: span.traceState,
    statusMessage: span.status.message,
    accountLabel: span.account.label,
    scope: span.scope,
    attributes: span.attributes,
    events: span.events.map((event) => ({ name: event.name, timeUnixNano: event.timeUnixNano.toString(), attributes: event.attributes })),
    links: span.links,
  };
  return JSON.stringify(detail);
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
    if (json === undefined) resourceJson.set(span.resource.attributes, (json = JSON.stringify(span.resource.attributes)));
    batch.resourceJson.push(json);
    batch.detailJson.push(detailJsonOf(span));
  });
  return batch;
}

type DerivedColumn = 'hasError' | 'accountLabel' | 'annotationKeys' | 'annotationValues' | 'peerName' | 'peerAccount';

/** One span as a store keeps it: a row of a SpanBatch (what the store derives, like hasError, left out). */
export type StoredSpan = { [K in Exclude<keyof SpanBatch, 'length' | 'startNs' | 'endNs' | DerivedColumn>]: SpanBatch[K][number] } & {
  startNs: bigint;
  endNs: bigint;
};

/** The span back from its stored form: the columns plus the detail and resource JSON. */
export function spanFromStored(row: StoredSpan): Span {
  const detail = JSON.parse(row.detailJson) as SpanDetail;
  return {
    traceId: row.traceId,
    spanId: row.spanId,
    parentSpanId: row.parentSpanId,
    traceState: detail.traceState,
    name: row.name,
    kind: row.kind,
    startTimeUnixNano: nanos(row.startNs),
    endTimeUnixNano: nanos(row.endNs),
    status: { code: row.statusCode, message: detail.statusMessage },
    http: { method: row.httpMethod, route: row.httpRoute, url: row.httpUrl, statusCode: row.httpStatus },
    attributes: detail.attributes,
    events: detail.events.map((event) => ({ ...event, timeUnixNano: nanos(BigInt(event.timeUnixNano)) })),
    links: detail.links,
    resource: { serviceName: row.serviceName, attributes: JSON.parse(row.resourceJson) as Attributes },
    scope: detail.scope,
    account: { id: row.accountId, label: detail.accountLabel },
  };
}

export function spanAt(batch: SpanBatch, i: number): Span {
  return spanFromStored({
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
    resourceJson: batch.resourceJson[i]!,
    detailJson: batch.detailJson[i]!,
  });
}

export function batchToSpans(batch: SpanBatch): Span[] {
  return Array.from({ length: batch.length }, (_, i) => spanAt(batch, i));
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
  'httpStatus', 'hasError', 'serviceName', 'accountId', 'accountLabel', 'annotationKeys', 'annotationValues', 'peerName', 'peerAccount', 'resourceJson', 'detailJson',
] as const satisfies ReadonlyArray<keyof SpanBatch>;

function emptyBatch(length: number): SpanBatch {
  return {
    length,
    traceId: [], spanId: [], parentSpanId: [], name: [], kind: [],
    startNs: new BigInt64Array(length), endNs: new BigInt64Array(length),
    statusCode: [], httpMethod: [], httpRoute: [], httpUrl: [], httpStatus: [], hasError: [],
    serviceName: [], accountId: [], accountLabel: [], annotationKeys: [], annotationValues: [], peerName: [], peerAccount: [], resourceJson: [], detailJson: [],
  };
}
