import { spanFromStored, type Span, type SpanBatch, type SpanKind, type StatusCode } from '@stitch/model';

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
  http_method: string | null;
  http_route: string | null;
  http_url: string | null;
  http_status: number | null;
  service_name: string;
  account_id: string;
  resource_json: string;
  detail_json: string;
}

export const SPAN_ROW_COLUMNS =
  'trace_id, span_id, parent_span_id, name, kind, start_ns, end_ns, status_code, http_method, http_route, http_url, http_status, service_name, account_id, resource_json, detail_json';

export function spanFromRow(row: SpanRow): Span {
  return spanFromStored({
    traceId: row.trace_id,
    spanId: row.span_id,
    parentSpanId: row.parent_span_id,
    name: row.name,
    kind: row.kind as SpanKind,
    startNs: row.start_ns,
    endNs: row.end_ns,
    statusCode: row.status_code as StatusCode,
    httpMethod: row.http_method,
    httpRoute: row.http_route,
    httpUrl: row.http_url,
    httpStatus: row.http_status,
    serviceName: row.service_name,
    accountId: row.account_id,
    resourceJson: row.resource_json,
    detailJson: row.detail_json,
  });
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
  root: { startNs: bigint; endNs: bigint; service: string; name: string } | null;
  firstService: string;
  firstName: string;
  firstEndNs: bigint;
}

/** Groups a batch by trace. Pure, so the summary rules are tested without a database. */
export function tracePartsOf(batch: SpanBatch): TracePart[] {
  const parts = new Map<string, TracePart & { serviceSet: Set<string>; accountSet: Set<string> }>();
  for (let i = 0; i < batch.length; i++) {
    const traceId = batch.traceId[i]!;
    const start = batch.startNs[i]!;
    const end = batch.endNs[i]!;
    const service = batch.serviceName[i]!;
    const name = batch.name[i]!;
    let part = parts.get(traceId);
    if (!part) {
      part = { traceId, startNs: start, endNs: end, spanCount: 0, hasError: false, services: [], accounts: [], root: null, firstService: service, firstName: name, firstEndNs: end, serviceSet: new Set(), accountSet: new Set() };
      parts.set(traceId, part);
    }
    part.spanCount += 1;
    part.hasError ||= batch.hasError[i]!;
    part.serviceSet.add(service);
    part.accountSet.add(batch.accountId[i]!);
    if (start < part.startNs) {
      part.startNs = start;
      part.firstService = service;
      part.firstName = name;
      part.firstEndNs = end;
    }
    if (end > part.endNs) part.endNs = end;
    if (batch.parentSpanId[i] === null && (part.root === null || start < part.root.startNs)) part.root = { startNs: start, endNs: end, service, name };
  }
  return [...parts.values()].map(({ serviceSet, accountSet, ...part }) => ({ ...part, services: [...serviceSet].sort(), accounts: [...accountSet].sort() }));
}
