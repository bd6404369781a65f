import type { StoredWrite } from './derived-state.ts';
import { spanFromStored, type Span, type SpanKind, type StatusCode } from '@stitch/model';

// The span columns both stores keep under the same names, and the span read back from them.

/** A row of a store's spans table: nanoseconds as the driver hands them back (DuckDB a bigint, ClickHouse's JSON a decimal string). */
export interface SpanRow {
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  name: string;
  kind: string;
  start_ns: bigint | string;
  end_ns: bigint | string;
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

/** Span rows read in write order, each with its write's number in `seqColumn`, as the writes they came in. */
export function writesFromRows(rows: readonly Record<string, unknown>[], seqColumn: string): StoredWrite[] {
  const writes: StoredWrite[] = [];
  for (const row of rows) {
    const seq = Number(row[seqColumn]);
    if (writes.at(-1)?.seq !== seq) writes.push({ seq, spans: [] });
    writes.at(-1)!.spans.push(spanFromRow(row as unknown as SpanRow));
  }
  return writes;
}

export function spanFromRow(row: SpanRow): Span {
  return spanFromStored({
    traceId: row.trace_id,
    spanId: row.span_id,
    parentSpanId: row.parent_span_id,
    name: row.name,
    kind: row.kind as SpanKind,
    startNs: BigInt(row.start_ns),
    endNs: BigInt(row.end_ns),
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
