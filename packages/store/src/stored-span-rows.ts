import type { StoredWrite } from './derived-state.ts';
import { nanos, spanFromStored, TYPED_ATTRIBUTE_LISTS, type Span, type SpanKind, type SpanOutline, type StatusCode, type TypedAttributes } from '@stitch/model';

// The span columns both stores keep under the same names, and the span read back from them.

/**
 * A span row as both stores read it back: ids as lowercase hex, nanoseconds as the driver hands
 * them back (DuckDB a bigint, ClickHouse's JSON a decimal string), the span's attributes and its
 * resource's as typed lists (null or missing when the span has none of a type).
 */
export interface SpanRow {
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  name: string;
  kind: string;
  start_ns: bigint | string;
  end_ns: bigint | string;
  status_code: string;
  status_message: string;
  trace_state: string;
  http_method: string | null;
  http_route: string | null;
  http_url: string | null;
  http_status: number | null;
  service_name: string;
  account_id: string;
  account_label: string;
  scope_name: string;
  scope_version: string;
  events_json: string | null;
  links_json: string | null;
  str_keys: string[] | null;
  str_values: string[] | null;
  num_keys: string[] | null;
  num_values: number[] | null;
  bool_keys: string[] | null;
  bool_values: boolean[] | null;
  other_keys: string[] | null;
  other_values: string[] | null;
  resource_str_keys: string[] | null;
  resource_str_values: string[] | null;
  resource_num_keys: string[] | null;
  resource_num_values: number[] | null;
  resource_bool_keys: string[] | null;
  resource_bool_values: boolean[] | null;
  resource_other_keys: string[] | null;
  resource_other_values: string[] | null;
}

/** The typed attribute columns, as the spans table names them (the resource's with `resource_` before). */
export const ATTRIBUTE_COLUMNS = TYPED_ATTRIBUTE_LISTS.flat();
export const RESOURCE_ATTRIBUTE_COLUMNS = ATTRIBUTE_COLUMNS.map((column) => `resource_${column}` as const);

/** The columns of a SpanRow that both stores keep as they are (the ids, the ends and the attributes each store selects its own way). */
export const PLAIN_SPAN_COLUMNS =
  'name, kind, start_ns, status_code, status_message, trace_state, http_method, http_route, http_url, http_status, service_name, account_id, account_label, scope_name, scope_version, events_json, links_json';

/** The columns of a SpanRow an outline reads, besides the ids: no lists, no JSON, a fraction of a whole span's bytes. */
export const OUTLINE_SPAN_COLUMNS = 'name, kind, start_ns, end_ns, status_code, http_status, service_name, account_id, account_label';

export type OutlineRow = Pick<SpanRow, 'trace_id' | 'span_id' | 'parent_span_id' | 'name' | 'kind' | 'start_ns' | 'end_ns' | 'status_code' | 'http_status' | 'service_name' | 'account_id' | 'account_label'>;

export function outlineFromRow(row: OutlineRow): SpanOutline {
  return {
    traceId: row.trace_id,
    spanId: row.span_id,
    parentSpanId: row.parent_span_id,
    name: row.name,
    kind: row.kind as SpanKind,
    startTimeUnixNano: nanos(BigInt(row.start_ns)),
    endTimeUnixNano: nanos(BigInt(row.end_ns)),
    status: { code: row.status_code as StatusCode },
    http: { statusCode: row.http_status },
    resource: { serviceName: row.service_name },
    account: { id: row.account_id, label: row.account_label },
  };
}

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
    statusMessage: row.status_message,
    traceState: row.trace_state,
    httpMethod: row.http_method,
    httpRoute: row.http_route,
    httpUrl: row.http_url,
    httpStatus: row.http_status,
    serviceName: row.service_name,
    accountId: row.account_id,
    accountLabel: row.account_label,
    scopeName: row.scope_name,
    scopeVersion: row.scope_version,
    eventsJson: row.events_json,
    linksJson: row.links_json,
    attributes: typedOf(row, ''),
    resource: typedOf(row, 'resource_'),
  });
}

function typedOf(row: SpanRow, prefix: '' | 'resource_'): TypedAttributes {
  const typed: Record<string, unknown> = {};
  for (const column of ATTRIBUTE_COLUMNS) {
    const list = row[`${prefix}${column}`];
    // ClickHouse has no boolean arrays before 21.x: its booleans come back as 0 and 1.
    if (list && list.length > 0) typed[column] = column === 'bool_values' ? list.map((value) => value === true || value === 1) : list;
  }
  return typed as TypedAttributes;
}
