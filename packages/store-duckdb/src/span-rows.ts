import { isErrorSpan, nanos, type Span, type SpanEvent, type SpanKind, type StatusCode } from '@stitch/model';

/** The parts of a span that are only ever read back whole, kept as one JSON column. */
interface SpanDetail {
  traceState: string;
  attributes: Span['attributes'];
  events: Array<Omit<SpanEvent, 'timeUnixNano'> & { timeUnixNano: string }>;
  links: Span['links'];
}

export function detailJsonOf(span: Span): string {
  const detail: SpanDetail = {
    traceState: span.traceState,
    attributes: span.attributes,
    // uint64 nanoseconds do not survive JSON numbers
    events: span.events.map((event) => ({ name: event.name, timeUnixNano: event.timeUnixNano.toString(), attributes: event.attributes })),
    links: span.links,
  };
  return JSON.stringify(detail);
}

/** A row of the spans table as DuckDB hands it back. */
export interface SpanRow {
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  name: string;
  kind: string;
  start_ns: bigint;
  end_ns: bigint;
  status_code: string;
  status_message: string;
  http_method: string | null;
  http_route: string | null;
  http_url: string | null;
  http_status: number | null;
  service_name: string;
  account_id: string;
  account_label: string;
  scope_name: string;
  scope_version: string;
  resource_json: string;
  detail_json: string;
}

export const SPAN_ROW_COLUMNS =
  'trace_id, span_id, parent_span_id, name, kind, start_ns, end_ns, status_code, status_message, http_method, http_route, http_url, http_status, service_name, account_id, account_label, scope_name, scope_version, resource_json, detail_json';

export function spanFromRow(row: SpanRow): Span {
  const detail = JSON.parse(row.detail_json) as SpanDetail;
  return {
    traceId: row.trace_id,
    spanId: row.span_id,
    parentSpanId: row.parent_span_id,
    traceState: detail.traceState,
    name: row.name,
    kind: row.kind as SpanKind,
    startTimeUnixNano: nanos(row.start_ns),
    endTimeUnixNano: nanos(row.end_ns),
    status: { code: row.status_code as StatusCode, message: row.status_message },
    http: { method: row.http_method, route: row.http_route, url: row.http_url, statusCode: row.http_status },
    attributes: detail.attributes,
    events: detail.events.map((event) => ({ ...event, timeUnixNano: nanos(BigInt(event.timeUnixNano)) })),
    links: detail.links,
    resource: { serviceName: row.service_name, attributes: JSON.parse(row.resource_json) as Span['resource']['attributes'] },
    scope: { name: row.scope_name, version: row.scope_version },
    account: { id: row.account_id, label: row.account_label },
  };
}

/** What one batch contributes to one trace's summary (a row of trace_parts). */
export interface TracePart {
  traceId: string;
  startNs: bigint;
  endNs: bigint;
  spanCount: number;
  hasError: boolean;
  services: string[];
  accounts: string[];
  root: { startNs: bigint; service: string; name: string } | null;
  firstService: string;
  firstName: string;
}

/** Groups a batch by trace. Pure, so the summary rules are tested without a database. */
export function tracePartsOf(spans: readonly Span[]): TracePart[] {
  const parts = new Map<string, TracePart & { serviceSet: Set<string>; accountSet: Set<string> }>();
  for (const span of spans) {
    const start = span.startTimeUnixNano as bigint;
    let part = parts.get(span.traceId);
    if (!part) {
      part = {
        traceId: span.traceId,
        startNs: start,
        endNs: span.endTimeUnixNano,
        spanCount: 0,
        hasError: false,
        services: [],
        accounts: [],
        root: null,
        firstService: span.resource.serviceName,
        firstName: span.name,
        serviceSet: new Set(),
        accountSet: new Set(),
      };
      parts.set(span.traceId, part);
    }
    part.spanCount += 1;
    part.hasError ||= isErrorSpan(span);
    part.serviceSet.add(span.resource.serviceName);
    part.accountSet.add(span.account.id);
    if (start < part.startNs) {
      part.startNs = start;
      part.firstService = span.resource.serviceName;
      part.firstName = span.name;
    }
    if (span.endTimeUnixNano > part.endNs) part.endNs = span.endTimeUnixNano;
    if (span.parentSpanId === null && (part.root === null || start < part.root.startNs)) {
      part.root = { startNs: start, service: span.resource.serviceName, name: span.name };
    }
  }
  return [...parts.values()].map(({ serviceSet, accountSet, ...part }) => ({ ...part, services: [...serviceSet].sort(), accounts: [...accountSet].sort() }));
}
