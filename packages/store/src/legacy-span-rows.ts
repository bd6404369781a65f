import { typedAttributesJson, type Attributes, type SpanLink, type TypedAttributes } from '@stitch/model';
import { ATTRIBUTE_COLUMNS, type RESOURCE_ATTRIBUTE_COLUMNS, type SpanRow } from './stored-span-rows.ts';

// Rows written before attributes were kept as typed lists: the span's details in one JSON text
// (detail_json) and the resource's attributes in another (resource_json). Migrations and reads of
// rows stored then turn them into the SpanRow of today.

/** A span row as written then. */
export type LegacySpanRow = Pick<
  SpanRow,
  'trace_id' | 'span_id' | 'parent_span_id' | 'name' | 'kind' | 'start_ns' | 'end_ns' | 'status_code' | 'http_method' | 'http_route' | 'http_url' | 'http_status' | 'service_name' | 'account_id'
> & { resource_json: string; detail_json: string };

/** Its columns, to select. */
export const LEGACY_SPAN_COLUMNS =
  'trace_id, span_id, parent_span_id, name, kind, start_ns, end_ns, status_code, http_method, http_route, http_url, http_status, service_name, account_id, resource_json, detail_json';

/** The JSON in detail_json, as written then. */
interface LegacySpanDetail {
  traceState: string;
  statusMessage: string;
  accountLabel: string;
  scope: { name: string; version: string };
  attributes: Attributes;
  events: Array<{ name: string; timeUnixNano: string; attributes: Attributes }>;
  links: SpanLink[];
}

/** The legacy row as today's SpanRow. */
export function spanRowOfLegacy(row: LegacySpanRow): SpanRow {
  const { resource_json, detail_json, ...rest } = row;
  const detail = JSON.parse(detail_json) as LegacySpanDetail;
  const attributes = JSON.parse(typedAttributesJson(detail.attributes)) as TypedAttributes;
  const resource = JSON.parse(typedAttributesJson(JSON.parse(resource_json) as Attributes)) as TypedAttributes;
  const typed = {} as Pick<SpanRow, (typeof ATTRIBUTE_COLUMNS)[number] | (typeof RESOURCE_ATTRIBUTE_COLUMNS)[number]>;
  for (const column of ATTRIBUTE_COLUMNS) Object.assign(typed, { [column]: attributes[column] ?? null, [`resource_${column}`]: resource[column] ?? null });
  return {
    ...rest,
    ...typed,
    status_message: detail.statusMessage,
    trace_state: detail.traceState,
    account_label: detail.accountLabel,
    scope_name: detail.scope.name,
    scope_version: detail.scope.version,
    events_json: detail.events.length === 0 ? null : JSON.stringify(detail.events),
    links_json: detail.links.length === 0 ? null : JSON.stringify(detail.links),
  };
}
