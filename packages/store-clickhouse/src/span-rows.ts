import { wellFormed as wellFormedText, type EventFacets, type LinkFacets, type SpanBatch, type TypedAttributes } from '@stitch/model';
import { ATTRIBUTE_COLUMNS, PLAIN_SPAN_COLUMNS, RESOURCE_ATTRIBUTE_COLUMNS } from '@stitch/store';
import { numberBitsColumn, type ListsPrefix } from './span-layout.ts';

// Rows as JSONEachRow carries them: Int64 as decimal strings both ways (JSON numbers cannot hold
// them), text well-formed: ClickHouse refuses a JSON string holding half a surrogate pair, which
// a sender may put in any name. It is stored as U+FFFD, as DuckDB's UTF-8 conversion stores it.

export function wellFormed<T extends string | null>(value: T): T {
  return (value === null ? null : wellFormedText(value)) as T;
}

export const allWellFormed = (values: readonly string[]) => values.map(wellFormedText);

const float64 = new DataView(new ArrayBuffer(8));

/** A number's IEEE 754 bits as a decimal UInt64, as num_bits keeps it (span-layout.ts). */
function bitsOf(value: number): string {
  float64.setFloat64(0, value);
  return float64.getBigUint64(0).toString();
}

/**
 * The typed lists as the row's columns (`prefix` before each name): every list present, numbers
 * as bits, booleans 0/1. Their text is well-formed already: typedAttributesJson made it so.
 */
function typedColumns(typed: TypedAttributes, prefix: ListsPrefix): Record<string, unknown> {
  const columns: Record<string, unknown> = {};
  for (const column of ATTRIBUTE_COLUMNS) {
    if (column === 'num_values') columns[numberBitsColumn(prefix)] = (typed.num_values ?? []).map(bitsOf);
    else if (column === 'bool_values') columns[prefix + column] = (typed.bool_values ?? []).map((value) => (value ? 1 : 0));
    else columns[prefix + column] = typed[column] ?? [];
  }
  return columns;
}

/** A span's events as their columns (span-layout.ts); none for a span without. */
function eventColumns(json: string | null): Record<string, unknown> {
  if (json === null) return {};
  const facets = JSON.parse(json) as EventFacets;
  return { event_names: facets.names, event_offsets: facets.offsets.map(String), ...typedColumns(facets, 'event_') };
}

/** A span's links as their columns (span-layout.ts); none for a span without. */
function linkColumns(json: string | null): Record<string, unknown> {
  if (json === null) return {};
  const facets = JSON.parse(json) as LinkFacets;
  return { link_trace_ids: facets.trace_ids, link_span_ids: facets.span_ids, ...typedColumns(facets, 'link_') };
}

/** Rows made between two turns of the event loop: a 50,000-span insert must not stall central's HTTP server. */
const ROW_SLICE = 2048;

/** The batch's rows, each marked with the write that carries it (and central's number for it), made as the insert streams them. */
export async function* spanRowsOf(batch: SpanBatch, writeId: string, ingestSeq = 0): AsyncGenerator<Record<string, unknown>> {
  // Spans of one process share their resource's string: taken apart once.
  const resources = new Map<string, Record<string, unknown>>();
  for (let i = 0; i < batch.length; i++) {
    if (i > 0 && i % ROW_SLICE === 0) await new Promise((resolve) => setImmediate(resolve));
    const keys = batch.annotationKeys[i] ?? [];
    const values = batch.annotationValues[i] ?? [];
    const decoded = values.map((value) => JSON.parse(value) as unknown);
    const resourceJson = batch.resourceJson[i]!;
    let resource = resources.get(resourceJson);
    if (!resource) resources.set(resourceJson, (resource = typedColumns(JSON.parse(resourceJson) as TypedAttributes, 'resource_')));
    yield {
      trace_id: batch.traceId[i],
      span_id: batch.spanId[i],
      parent_span_id: batch.parentSpanId[i],
      name: wellFormed(batch.name[i]!),
      kind: batch.kind[i],
      start_ns: batch.startNs[i]!.toString(),
      end_ns: batch.endNs[i]!.toString(),
      status_code: batch.statusCode[i],
      http_method: wellFormed(batch.httpMethod[i]!),
      http_route: wellFormed(batch.httpRoute[i]!),
      http_url: wellFormed(batch.httpUrl[i]!),
      http_status: batch.httpStatus[i],
      service_name: wellFormed(batch.serviceName[i]!),
      account_id: wellFormed(batch.accountId[i]!),
      account_label: wellFormed(batch.accountLabel[i]!),
      annotation_keys: allWellFormed(keys),
      annotation_values: values,
      annotation_strings: decoded.map((value) => (typeof value === 'string' ? wellFormedText(value) : '')),
      annotation_numbers: decoded.map((value) => (typeof value === 'number' ? value : 'nan')),
      status_message: wellFormed(batch.statusMessage[i]!),
      trace_state: wellFormed(batch.traceState[i]!),
      scope_name: wellFormed(batch.scopeName[i]!),
      scope_version: wellFormed(batch.scopeVersion[i]!),
      // JSON.stringify wrote them: any half surrogate pair is already escaped, as ClickHouse takes it.
      events_json: batch.eventsJson[i],
      links_json: batch.linksJson[i],
      ...typedColumns(JSON.parse(batch.attributesJson[i]!) as TypedAttributes, ''),
      ...resource,
      // Most spans have neither: their columns are left out, and take their defaults (empty arrays).
      ...eventColumns(batch.eventFacetsJson[i]!),
      ...linkColumns(batch.linkFacetsJson[i]!),
      // Read only in rows stored before the typed columns (legacy-span-rows.ts).
      resource_json: '',
      detail_json: '',
      has_error: batch.hasError[i] ? 1 : 0,
      peer_name: wellFormed(batch.peerName[i]!),
      peer_account: wellFormed(batch.peerAccount[i]!),
      write_id: writeId,
      ingest_seq: String(ingestSeq),
    };
  }
}

/** The columns a read selects: a SpanRow, with the texts rows stored before the typed columns carry (legacy-span-rows.ts). */
export const SPAN_ROW_SELECT = `trace_id, span_id, parent_span_id, end_ns, ${PLAIN_SPAN_COLUMNS}, ${[...ATTRIBUTE_COLUMNS, ...RESOURCE_ATTRIBUTE_COLUMNS].join(', ')}, detail_json, resource_json`;
