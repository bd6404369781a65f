import { typedAttributesJson, type Attributes, type SpanLink, type TypedAttributes } from '@stitch/model';
import { ATTRIBUTE_COLUMNS, type SpanRow } from '@stitch/store';

// Rows stored before the typed columns (span-layout.ts) have them empty and carry the span's
// detail and its resource's attributes as JSON instead; rows stored since leave both texts ''.

/** A spans row as the store reads it: a SpanRow, and the two texts of rows stored before. */
export type StoredSpanRow = SpanRow & { detail_json: string; resource_json: string };

/** detail_json as those rows hold it (model's former SpanDetail): nanoseconds as decimal strings. */
interface LegacySpanDetail {
  traceState: string;
  statusMessage: string;
  accountLabel: string;
  scope: { name: string; version: string };
  attributes: Attributes;
  events: Array<{ name: string; timeUnixNano: string; attributes: Attributes }>;
  links: SpanLink[];
}

/** The row as a SpanRow: as it is, or, stored before, with the columns filled from its JSON. */
export function spanRowOf(row: StoredSpanRow): SpanRow {
  if (row.detail_json === '') return row;
  const detail = JSON.parse(row.detail_json) as LegacySpanDetail;
  return {
    ...row,
    status_message: detail.statusMessage,
    trace_state: detail.traceState,
    scope_name: detail.scope.name,
    scope_version: detail.scope.version,
    // The events were kept as SpanBatch.eventsJson keeps them (times as decimal strings).
    events_json: detail.events.length === 0 ? null : JSON.stringify(detail.events),
    links_json: detail.links.length === 0 ? null : JSON.stringify(detail.links),
    ...typedColumnsOf(detail.attributes, ''),
    ...typedColumnsOf(JSON.parse(row.resource_json) as Attributes, 'resource_'),
  };
}

function typedColumnsOf(attributes: Attributes, prefix: '' | 'resource_'): Partial<SpanRow> {
  const typed = JSON.parse(typedAttributesJson(attributes)) as TypedAttributes;
  const columns: Record<string, unknown> = {};
  for (const column of ATTRIBUTE_COLUMNS) columns[prefix + column] = typed[column] ?? null;
  return columns as Partial<SpanRow>;
}
