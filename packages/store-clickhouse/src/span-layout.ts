import { ATTRIBUTE_COLUMNS } from '@stitch/store';
import { localTable, sharedTable, type TableLayout } from './table-layout.ts';

// The spans' own columns for what SpanBatch used to carry as one JSON text (detail_json): status
// message, trace state, scope, events and links, and the attributes of the span and of its
// resource split by type into parallel key and value arrays (TypedAttributes), so ClickHouse's
// column compression sees like next to like. 18.16 has no Map and no Bool: booleans are UInt8.
// Numbers are stored as their IEEE 754 bits (num_bits), with num_values an ALIAS that turns them
// back into Float64: 18.16 parses decimal text inexactly (40.7698 became 40.769800000000004, as
// did about 1 % of short decimals and a quarter of arbitrary doubles), and a span must come back
// exactly as sent. Its output is exact, so a read selects num_values as any other column.

type AttributeColumn = (typeof ATTRIBUTE_COLUMNS)[number];

const ATTRIBUTE_TYPES: Record<Exclude<AttributeColumn, 'num_values'>, string> = {
  str_keys: 'Array(String)',
  str_values: 'Array(String)',
  num_keys: 'Array(String)',
  bool_keys: 'Array(String)',
  bool_values: 'Array(UInt8)',
  other_keys: 'Array(String)',
  other_values: 'Array(String)',
};

/** Whose typed lists: the span's, its resource's, its events' or its links' (the last two over all of them, nested-facets.ts in model). */
export type ListsPrefix = '' | 'resource_' | 'event_' | 'link_';

/** The column that stores `num_values` (with `prefix` before both names). */
export const numberBitsColumn = (prefix: ListsPrefix) => `${prefix}num_bits`;

function attributeColumns(prefix: ListsPrefix): Array<[string, string]> {
  return ATTRIBUTE_COLUMNS.flatMap((column): Array<[string, string]> => {
    if (column !== 'num_values') return [[prefix + column, ATTRIBUTE_TYPES[column]]];
    const bits = numberBitsColumn(prefix);
    return [
      [bits, 'Array(UInt64)'],
      [prefix + column, `Array(Float64) ALIAS arrayMap(bits -> reinterpretAsFloat64(reinterpretAsString(bits)), ${bits})`],
    ];
  });
}

const SPAN_DETAIL_COLUMNS: ReadonlyArray<[string, string]> = [
  ['status_message', 'String'],
  ['trace_state', 'String'],
  ['scope_name', 'String'],
  ['scope_version', 'String'],
  ['events_json', 'Nullable(String)'],
  ['links_json', 'Nullable(String)'],
  ...attributeColumns(''),
  ...attributeColumns('resource_'),
];

/**
 * A migration step: the columns above on spans (and its Distributed table). Rows stored before
 * keep their detail_json and resource_json, which the read path converts (legacy-span-rows.ts);
 * rows stored since leave those two empty.
 */
export function spanDetailColumnsMigration(layout: TableLayout): string[] {
  return addSpanColumns(layout, SPAN_DETAIL_COLUMNS);
}

/** The statements that add `columns` to spans, and to its Distributed table on a cluster. */
export function addSpanColumns(layout: TableLayout, columns: ReadonlyArray<readonly [string, string]>): string[] {
  const added = columns.map(([name, type]) => `ADD COLUMN ${name} ${type}`).join(', ');
  return [localTable(layout, 'spans'), ...(layout.cluster ? [sharedTable(layout, 'spans')] : [])].map((table) => `ALTER TABLE ${table} ${added}`);
}

/**
 * A migration step: a span's events and links as search reads them (model's EventFacets and
 * LinkFacets): the events' names, times since the span's start and attributes, the links' ids and
 * attributes, in arrays. Spans stored before this step have none (their events are not found).
 */
export function nestedFacetColumnsMigration(layout: TableLayout): string[] {
  return addSpanColumns(layout, [
    ['event_names', 'Array(String)'],
    ['event_offsets', 'Array(Int64)'],
    ...attributeColumns('event_'),
    ['link_trace_ids', 'Array(String)'],
    ['link_span_ids', 'Array(String)'],
    ...attributeColumns('link_'),
  ]);
}
