import { ATTRIBUTE_COLUMNS } from '@stitch/store';
import { localTable, sharedTable, type TableLayout } from './table-layout.ts';

// The spans' own columns for what SpanBatch used to carry as one JSON text (detail_json): status
// message, trace state, scope, events and links, and the attributes of the span and of its
// resource split by type into parallel key and value arrays (TypedAttributes), so ClickHouse's
// column compression sees like next to like. 18.16 has no Map and no Bool: booleans are UInt8.

type AttributeColumn = (typeof ATTRIBUTE_COLUMNS)[number];

const ATTRIBUTE_TYPES: Record<AttributeColumn, string> = {
  str_keys: 'Array(String)',
  str_values: 'Array(String)',
  num_keys: 'Array(String)',
  num_values: 'Array(Float64)',
  bool_keys: 'Array(String)',
  bool_values: 'Array(UInt8)',
  other_keys: 'Array(String)',
  other_values: 'Array(String)',
};

const SPAN_DETAIL_COLUMNS: ReadonlyArray<[string, string]> = [
  ['status_message', 'String'],
  ['trace_state', 'String'],
  ['scope_name', 'String'],
  ['scope_version', 'String'],
  ['events_json', 'Nullable(String)'],
  ['links_json', 'Nullable(String)'],
  ...ATTRIBUTE_COLUMNS.map((column): [string, string] => [column, ATTRIBUTE_TYPES[column]]),
  ...ATTRIBUTE_COLUMNS.map((column): [string, string] => [`resource_${column}`, ATTRIBUTE_TYPES[column]]),
];

/**
 * A migration step: the columns above on spans (and its Distributed table). Rows stored before
 * keep their detail_json and resource_json, which the read path converts (legacy-span-rows.ts);
 * rows stored since leave those two empty.
 */
export function spanDetailColumnsMigration(layout: TableLayout): string[] {
  const columns = SPAN_DETAIL_COLUMNS.map(([name, type]) => `ADD COLUMN ${name} ${type}`).join(', ');
  return [localTable(layout, 'spans'), ...(layout.cluster ? [sharedTable(layout, 'spans')] : [])].map((table) => `ALTER TABLE ${table} ${columns}`);
}
